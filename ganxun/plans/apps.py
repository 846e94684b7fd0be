from django.apps import AppConfig


class PlansConfig(AppConfig):
    """The professional classroom's 年度干教计划: a plan per unit and year, its items, approval and versions; execution matched from the activities linked to its items."""

    name = "ganxun.plans"
    label = "plans"
