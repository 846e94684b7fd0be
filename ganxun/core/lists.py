"""What every list page shares: the query string of the filters in use, and the address bar after an HTMX filter."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict


def list_querystring(params: QueryDict) -> str:
    """The filters in use (empty ones dropped), without the page number: for page links and the export."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key != "page" and (kept := [v for v in values if v]):
            query.setlist(key, kept)
    return query.urlencode()


def clean_url(request: HttpRequest, querystring: str) -> str:
    """The address bar after an HTMX filter: only the filters in use, and the page when not the first."""
    page = request.GET.get("page", "")
    parts = [querystring] if querystring else []
    if page not in ("", "1"):
        parts.append(urlencode({"page": page}))
    return f"{request.path}?{'&'.join(parts)}" if parts else request.path
