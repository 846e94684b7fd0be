"""Factories of the 微课堂: a published course, a lesson with a small stored file, an assignment."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from ganxun.hours.models import ConversionRule, Unit
from ganxun.roster.tests.factories import CadreFactory

from ..models import Assignment, Course, Lesson, LessonKind

# The smallest PDF a viewer opens: one empty A4 page (offsets computed when written, see minimal_pdf).


def minimal_pdf(text: str = "Micro lesson") -> bytes:
    """A valid one-page PDF with a line of text, its cross-reference table computed (no tool needed)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"微课程{n}")
    published = True


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"微课{n}")
    kind = LessonKind.DOCUMENT
    file = factory.LazyFunction(lambda: ContentFile(minimal_pdf(), name="lesson.pdf"))
    length_seconds = 1000


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    course = factory.SubFactory(CourseFactory)
    cadre = factory.SubFactory(CadreFactory)
    section = factory.LazyAttribute(lambda a: a.cadre.section)


def lesson_rule(year: int, hours: str = "0.5") -> ConversionRule:
    """The system-wide rule of ``year``: one 微课堂 lesson is worth ``hours`` 学时."""
    return ConversionRule.objects.create(year=year, unit=Unit.MICRO_LESSON, per=Decimal(1), hours=Decimal(hours))
