"""Factories for the ledger.  Rows made here skip the services (no audit): for the workflow, call them."""

import datetime as dt
from decimal import Decimal

import factory

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, OutsideClass, Source
from ganxun.roster.tests.factories import CadreFactory


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """A confirmed entry counted from an imported online record (a unique source id each)."""

    class Meta:
        model = LedgerEntry

    cadre = factory.SubFactory(CadreFactory)
    date = dt.date(2025, 6, 1)
    hours = Decimal("4")
    bucket = Bucket.CENTRALISED
    source = Source.ONLINE_RECORD
    source_id = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"学习记录{n}")
    status = EntryStatus.CONFIRMED


class SelfReportFactory(LedgerEntryFactory):
    source = Source.SELF_REPORT
    source_id = None
    bucket = Bucket.SELF_STUDY
    status = EntryStatus.PENDING
    evidence = "学习笔记三页"
    witness = "王主任"


class OutsideClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutsideClass

    title = factory.Sequence(lambda n: f"区委党校中青班第{n}期")
    organiser = "区委党校"
    start_date = dt.date(2025, 4, 7)
    end_date = dt.date(2025, 4, 11)
    hours = Decimal("40")
    bucket = Bucket.CENTRALISED
