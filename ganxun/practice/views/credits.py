"""The page a ledger entry of practice links to: it sends on to the record the 学时 were counted from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from ganxun.hours.models import LedgerEntry

from ..models import PracticeCredit


@login_required
def credit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Only for someone who may see the entry counted from the credit; then on to the record's own page."""
    credit = get_object_or_404(
        PracticeCredit.objects.select_related("stint", "community_report", "secondment", "visit"), pk=pk
    )
    if not LedgerEntry.objects.visible_to(request.user).filter(cadre_id=credit.cadre_id).exists():
        raise Http404
    record = credit.record
    if record is None:
        raise Http404(_("The practice record these hours were counted from has been deleted."))
    return redirect(record.get_absolute_url())


urlpatterns = [path("credits/<int:pk>/", credit_detail, name="credit_detail")]
