"""The audit trail, read-only: administrators browse and filter it; nothing here writes."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from ganxun.core.lists import clean_url, list_querystring

from .filters import AuditEventFilter
from .models import AuditEvent

PAGE_SIZE = 50


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.visible_to(request.user))
    events, form = filterset.qs, filterset.form
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = list_querystring(request.GET)
    context = {"form": form, "page": page, "querystring": querystring}
    if request.htmx and not request.htmx.history_restore_request:
        return push_url(render(request, "audit/event_list.html#table", context), clean_url(request, querystring))
    return render(request, "audit/event_list.html", context)
