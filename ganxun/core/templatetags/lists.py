"""Template filters for the page links of every list (components/pagination.html)."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def elided_pages(page: Page) -> list:
    """Page numbers around the current one, with ellipses: 1 2 … 7 8 9 … 20 21."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def page_url(querystring: str, number: int) -> str:
    """?<the current filters>&page=N"""
    return f"?{querystring}&page={number}" if querystring else f"?page={number}"
