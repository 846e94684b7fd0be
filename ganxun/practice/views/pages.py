"""The pages of the practice classroom (实践课堂): its landing page, and for each kind of record a list (filtered,
paginated, exported to Excel), a detail page with its evidence, and the entry and edit forms.

Who sees what is the models' ``visible_to`` (and ``editable_by`` for writes): a 系统管理员 everything, a 培训管理员
their unit's subtree, a 科室负责人 the records of their 科室 (and enters those), a cadre their own, read-only.
A record outside that is a 404, so its existence is not told, and a POST to it writes nothing.  Places are one
register everyone reads; administrators keep it (add, edit, merge).  Every write goes through
``practice.services``, audited there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView
from django_htmx.http import push_url

from ganxun.core.access import require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.excel import workbook_response
from ganxun.core.lists import clean_url, list_querystring
from ganxun.roster.models import Cadre

from ..exports import records_workbook
from ..filters import (
    CampaignFilter,
    CommunityReportFilter,
    PlaceFilter,
    SecondmentFilter,
    StintFilter,
    TeamFilter,
    VisitFilter,
)
from ..forms.pages import (
    CampaignForm,
    CommunityReportForm,
    EvidenceForm,
    LeaveForm,
    PlaceForm,
    PlaceMergeForm,
    SecondmentForm,
    StintForm,
    TeamForm,
    TeamMembershipForm,
    UserFormMixin,
    VisitForm,
)
from ..models import (
    Campaign,
    CommunityReport,
    Competition,
    Evidence,
    Place,
    Secondment,
    Stint,
    Team,
    TeamMembership,
    Visit,
)

PAGE_SIZE = 30

# --- who may do what -------------------------------------------------------------------------------------------


def may_enter(user) -> bool:
    """Administrators and 科室负责人 enter records (a 科室负责人 those of their 科室); a cadre only reads."""
    return bool(user.is_authenticated and (user.is_admin or user.is_section_head))


def require_entry(user) -> None:
    if not may_enter(user):
        raise PermissionDenied


def _open_to_entry(model, user):
    """The campaigns (teams) a user may add records to: an administrator those they see; a 科室负责人 those
    organised by their own unit or a unit above it, and those their 科室 already takes part in."""
    if user.is_admin:
        return model.objects.visible_to(user)
    if not user.is_section_head:
        return model.objects.none()
    unit = user.unit_scope
    ids = [unit.pk, *(unit.ancestor_ids() if unit.path else [])] if unit is not None else []
    return model.objects.filter(Q(unit_id__in=ids) | Q(pk__in=model.objects.visible_to(user).values("pk")))


def _bodies_seen(model, user):
    """Campaigns and teams on the lists: those the user sees, and for a 科室负责人 those open to their entries."""
    if user.is_section_head and not user.is_admin:
        return _open_to_entry(model, user)
    return model.objects.visible_to(user)


def _service(name: str) -> Callable[..., Any]:
    """A write of ``practice.services`` (looked up when called: the services land beside these pages)."""
    from .. import services

    return getattr(services, name)


def _write(request: HttpRequest, form, call: Callable[[], Any]):
    """Run the service; its refusal lands on the form (None is returned then)."""
    try:
        return call()
    except ValidationError as error:
        form.add_error(None, error)
        return None


# --- the columns of each list (the page and the workbook read the same) -------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    wide: bool = False  # hidden on a phone


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _place_name(place: Place | None) -> str:
    return place.full_name if place is not None else ""


def _cadre_link(record) -> str:
    return reverse("practice:cadre_practice", args=[record.cadre_id])


def _detail(record) -> str:
    return record.get_absolute_url()


PLACE_COLUMNS = [
    Column(gettext_lazy("name"), lambda p: p.name, _detail),
    Column(gettext_lazy("kind of place"), lambda p: p.get_kind_display()),
    Column(gettext_lazy("part of"), lambda p: _place_name(p.parent)),
    Column(gettext_lazy("note"), lambda p: p.note, wide=True),
]
CAMPAIGN_COLUMNS = [
    Column(gettext_lazy("name"), lambda c: c.name, _detail),
    Column(gettext_lazy("organising unit"), lambda c: c.unit.name, wide=True),
    Column(gettext_lazy("start date"), lambda c: c.start_date),
    Column(gettext_lazy("end date"), lambda c: c.end_date),
    Column(gettext_lazy("Deployments"), lambda c: c.stint_count),
]
STINT_COLUMNS = [
    Column(gettext_lazy("cadre"), lambda s: s.cadre.name, _cadre_link),
    Column(gettext_lazy("section on the date"), lambda s: s.section.name, wide=True),
    Column(gettext_lazy("campaign"), lambda s: s.campaign.name, lambda s: s.campaign.get_absolute_url(), wide=True),
    Column(gettext_lazy("place"), lambda s: _place_name(s.place), _detail),
    Column(gettext_lazy("kind of place"), lambda s: s.place.get_kind_display(), wide=True),
    Column(gettext_lazy("role"), lambda s: s.role, wide=True),
    Column(gettext_lazy("task"), lambda s: s.task, wide=True),
    Column(gettext_lazy("start date"), lambda s: s.start_date),
    Column(gettext_lazy("end date"), lambda s: s.end_date),
]
COMMUNITY_COLUMNS = [
    Column(gettext_lazy("cadre"), lambda r: r.cadre.name, _cadre_link),
    Column(gettext_lazy("section on the date"), lambda r: r.section.name, wide=True),
    Column(gettext_lazy("party branch"), lambda r: r.party_branch, wide=True),
    Column(gettext_lazy("residents' committee"), lambda r: r.place.name, _detail),
    Column(gettext_lazy("Sub-district"), lambda r: r.place.parent.name if r.place.parent_id else "", wide=True),
    Column(gettext_lazy("date"), lambda r: r.date),
    Column(gettext_lazy("service"), lambda r: r.service, wide=True),
]
TEAM_COLUMNS = [
    Column(gettext_lazy("name"), lambda t: t.name, _detail),
    Column(gettext_lazy("kind of team"), lambda t: t.get_kind_display()),
    Column(gettext_lazy("unit"), lambda t: t.unit.name, wide=True),
    Column(gettext_lazy("formed on"), lambda t: t.formed_on, wide=True),
    Column(gettext_lazy("dissolved on"), lambda t: t.dissolved_on, wide=True),
    Column(gettext_lazy("Members today"), lambda t: t.member_count),
]
MEMBER_COLUMNS = [
    Column(gettext_lazy("cadre"), lambda m: m.cadre.name, _detail),
    Column(gettext_lazy("section on the date"), lambda m: m.section.name, wide=True),
    Column(gettext_lazy("role in the team"), lambda m: m.get_role_display()),
    Column(gettext_lazy("joined on"), lambda m: m.joined_on),
    Column(gettext_lazy("left on"), lambda m: m.left_on),
]
SECONDMENT_COLUMNS = [
    Column(gettext_lazy("cadre"), lambda s: s.cadre.name, _cadre_link),
    Column(gettext_lazy("section on the date"), lambda s: s.section.name, wide=True),
    Column(gettext_lazy("kind of secondment"), lambda s: s.get_kind_display(), _detail),
    Column(gettext_lazy("destination"), lambda s: s.region),
    Column(gettext_lazy("host unit"), lambda s: s.host_unit, wide=True),
    Column(gettext_lazy("post held"), lambda s: s.post, wide=True),
    Column(gettext_lazy("planned start"), lambda s: s.planned_start, wide=True),
    Column(gettext_lazy("planned end"), lambda s: s.planned_end, wide=True),
    Column(gettext_lazy("actual start"), lambda s: s.actual_start),
    Column(gettext_lazy("actual end"), lambda s: s.actual_end),
]
VISIT_COLUMNS = [
    Column(gettext_lazy("cadre"), lambda v: v.cadre.name, _cadre_link),
    Column(gettext_lazy("section on the date"), lambda v: v.section.name, wide=True),
    Column(gettext_lazy("kind"), lambda v: v.get_kind_display(), _detail),
    Column(gettext_lazy("place"), lambda v: _place_name(v.place) or v.destination),
    Column(gettext_lazy("start date"), lambda v: v.start_date),
    Column(gettext_lazy("end date"), lambda v: v.end_date),
    Column(gettext_lazy("task"), lambda v: v.task, wide=True),
]


def _place_related():
    return ("place__parent__parent",)


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of record: its list, export, entry and edit pages."""

    key: str  # the URL names' prefix: place → practice:place_list …
    title: Any  # the list's heading
    model: type
    filterset: type
    columns: list[Column]
    queryset: Callable[[Any], Any]  # user -> the rows they may see, ready for the columns
    new: Callable[[Any], bool] = may_enter  # whether the user may enter one (a link on the list)
    new_url: str = ""  # the entry page, when not <key>_create

    def rows(self, records) -> list[list[tuple[Any, str, bool, bool]]]:
        """Per record, per column: (value shown, link, hidden on a phone, a date kept on one line)."""
        return [[_cell(c, r) for c in self.columns] for r in records]


def _cell(column: Column, record) -> tuple[Any, str, bool, bool]:
    value = column.value(record)
    return (_shown(value), column.link(record) if column.link else "", column.wide, isinstance(value, dt.date))


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _places(user):
    return Place.objects.visible_to(user).live().select_related("parent__parent")


def _campaigns(user):
    return (
        _bodies_seen(Campaign, user)
        .select_related("unit")
        .annotate(stint_count=Count("stints", filter=Q(stints__in=Stint.objects.visible_to(user)), distinct=True))
        .order_by("-start_date", "name", "pk")
    )


def _stints(user):
    return Stint.objects.visible_to(user).select_related("cadre", "section", "campaign", *_place_related())


def _community(user):
    return CommunityReport.objects.visible_to(user).select_related("cadre", "section", "place__parent")


def _teams(user):
    today = timezone.localdate()
    current = Q(memberships__joined_on__lte=today) & (
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
    )
    return (
        _bodies_seen(Team, user)
        .select_related("unit")
        .annotate(member_count=Count("memberships", filter=current, distinct=True))
        .order_by("name", "pk")
    )


def _secondments(user):
    return Secondment.objects.visible_to(user).select_related("cadre", "section", "place")


def _visits(user):
    return Visit.objects.visible_to(user).select_related("cadre", "section", *_place_related())


def _admins(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


PLACES = Kind("place", gettext_lazy("Places"), Place, PlaceFilter, PLACE_COLUMNS, _places, new=_admins)
CAMPAIGNS = Kind(
    "campaign", gettext_lazy("Campaigns"), Campaign, CampaignFilter, CAMPAIGN_COLUMNS, _campaigns, new=_admins
)
STINTS = Kind("stint", gettext_lazy("Deployments"), Stint, StintFilter, STINT_COLUMNS, _stints, new_url="campaign_list")
COMMUNITY = Kind(
    "community_report",
    gettext_lazy("Community reports"),
    CommunityReport,
    CommunityReportFilter,
    COMMUNITY_COLUMNS,
    _community,
)
TEAMS = Kind("team", gettext_lazy("Teams"), Team, TeamFilter, TEAM_COLUMNS, _teams, new=_admins)
SECONDMENTS = Kind(
    "secondment", gettext_lazy("Secondments"), Secondment, SecondmentFilter, SECONDMENT_COLUMNS, _secondments
)
VISITS = Kind("visit", gettext_lazy("Visits and frontline assignments"), Visit, VisitFilter, VISIT_COLUMNS, _visits)
KINDS = [CAMPAIGNS, STINTS, COMMUNITY, TEAMS, SECONDMENTS, VISITS, PLACES]


# --- the landing page ---------------------------------------------------------------------------------------------


# The Excel import of each list (practice-import's pages), by the import's name for the kind.
IMPORT_KINDS = {"stint": "deployment", "community_report": "community", "team": "team", "secondment": "secondment"}


def _import_url(user, key: str) -> str:
    """The import page of a list, for the administrators who import (none before the import pages exist)."""
    if not _admins(user) or key not in IMPORT_KINDS:
        return ""
    try:
        return reverse("practice:import_upload", kwargs={"kind": IMPORT_KINDS[key]})
    except NoReverseMatch:
        return ""


def _group_import_url(user, key: str, group: str) -> str:
    """The import of a campaign's deployments or a team's members, the campaign or team filled in."""
    url = _import_url(user, key)
    return f"{url}?{urlencode({'group': group})}" if url else ""


def _figures_url() -> str:
    try:
        return reverse("practice:figures")
    except NoReverseMatch:  # the figures page comes with its own helper's branch
        return ""


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    cards = [
        {
            "title": kind.title,
            "url": reverse(f"practice:{kind.key}_list"),
            "count": kind.queryset(user).count(),
            "key": kind.key,
        }
        for kind in KINDS
    ]
    with contextlib.suppress(NoReverseMatch):  # the merit competitions come with their own helper's pages
        cards.insert(
            1,
            {
                "title": _("Merit competitions"),
                "url": reverse("practice:competition_list"),
                "count": Competition.objects.visible_to(user).count(),
                "key": "competition",
            },
        )
    context = {
        "cards": cards,
        "figures_url": _figures_url() if _admins(user) or user.is_section_head else "",
        "own_url": reverse("practice:cadre_practice", args=[user.cadre_id]) if user.cadre_id else "",
        "may_enter": may_enter(user),
    }
    return render(request, "practice/pages/index.html", context)


# --- lists and exports --------------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, kind: Kind):
    return kind.filterset(request.GET, queryset=kind.queryset(request.user), user=request.user)


def list_view(kind: Kind):
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        filterset = _filtered(request, kind)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        querystring = list_querystring(request.GET)
        new_url = ""
        if kind.new(request.user):
            new_url = reverse(f"practice:{kind.new_url or kind.key + '_create'}")
        context = {
            "kind": kind,
            "form": filterset.form,
            "page": page,
            "headers": [(c.header, c.wide) for c in kind.columns],
            "rows": kind.rows(page.object_list),
            "querystring": querystring,
            "list_url": request.path,
            "export_url": reverse(f"practice:{kind.key}_export"),
            "new_url": new_url,
            "import_url": _import_url(request.user, kind.key),
        }
        if request.htmx and not request.htmx.history_restore_request:
            return push_url(render(request, "practice/pages/list.html#table", context), clean_url(request, querystring))
        return render(request, "practice/pages/list.html", context)

    view.__name__ = f"{kind.key}_list"
    return view


def export_view(kind: Kind):
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        records = _filtered(request, kind).qs
        headers = [str(c.header) for c in kind.columns]
        rows = ([c.value(r) for c in kind.columns] for r in records.iterator(chunk_size=500))
        filename = f"{kind.title}_{timezone.localdate():%Y%m%d}.xlsx"
        return workbook_response(records_workbook(str(kind.title), headers, rows), filename)

    view.__name__ = f"{kind.key}_export"
    return view


# --- detail pages with their evidence -----------------------------------------------------------------------------


def _evidence_context(request: HttpRequest, record, editable: bool, form: EvidenceForm | None = None) -> dict:
    evidence_url = reverse(f"practice:{_key_of(record)}_evidence", args=[record.pk])
    return {
        "evidence": list(Evidence.objects.of(record).select_related("uploaded_by")),
        "evidence_form": (form or EvidenceForm()) if editable else None,
        "evidence_url": evidence_url,
    }


def _key_of(record) -> str:
    return {
        Place: "place",
        Campaign: "campaign",
        Stint: "stint",
        CommunityReport: "community_report",
        Team: "team",
        TeamMembership: "team_membership",
        Secondment: "secondment",
        Visit: "visit",
    }[type(record)]


def _fields(record) -> list[tuple[Any, Any, str]]:
    """(label, value, link) of a cadre record's detail page."""
    rows: list[tuple[Any, Any, str]] = [
        (_("cadre"), record.cadre.name, reverse("practice:cadre_practice", args=[record.cadre_id])),
        (_("unit on the date"), record.unit.name, ""),
        (_("section on the date"), record.section.name, ""),
    ]
    if isinstance(record, Stint):
        rows += [
            (_("campaign"), record.campaign.name, record.campaign.get_absolute_url()),
            (_("place"), record.place.full_name, record.place.get_absolute_url()),
            (_("kind of place"), record.place.get_kind_display(), ""),
            (_("role"), record.role, ""),
            (_("task"), record.task, ""),
            (_("start date"), record.start_date, ""),
            (_("end date"), record.end_date, ""),
        ]
    elif isinstance(record, CommunityReport):
        rows += [
            (_("residents' committee"), record.place.full_name, record.place.get_absolute_url()),
            (_("date"), record.date, ""),
            (_("service"), record.service, ""),
            (_("party branch"), record.party_branch, ""),
        ]
    elif isinstance(record, TeamMembership):
        rows += [
            (_("team"), record.team.name, record.team.get_absolute_url()),
            (_("role in the team"), record.get_role_display(), ""),
            (_("joined on"), record.joined_on, ""),
            (_("left on"), record.left_on, ""),
        ]
    elif isinstance(record, Secondment):
        rows += [
            (_("kind of secondment"), record.get_kind_display(), ""),
            (_("destination"), record.region, ""),
            (_("place"), _place_name(record.place), record.place.get_absolute_url() if record.place_id else ""),
            (_("host unit"), record.host_unit, ""),
            (_("post held"), record.post, ""),
            (_("planned start"), record.planned_start, ""),
            (_("planned end"), record.planned_end, ""),
            (_("actual start"), record.actual_start, ""),
            (_("actual end"), record.actual_end, ""),
        ]
    elif isinstance(record, Visit):
        rows += [
            (_("kind"), record.get_kind_display(), ""),
            (_("place"), _place_name(record.place), record.place.get_absolute_url() if record.place_id else ""),
            (_("destination"), record.destination, ""),
            (_("start date"), record.start_date, ""),
            (_("end date"), record.end_date, ""),
            (_("task"), record.task, ""),
        ]
    rows.append((_("note"), record.note, ""))
    return [(label, _shown(value), link) for label, value, link in rows]


RECORD_MODELS = {
    "stint": (Stint, ("cadre", "unit", "section", "campaign", "place__parent__parent")),
    "community_report": (CommunityReport, ("cadre", "unit", "section", "place__parent")),
    "team_membership": (TeamMembership, ("cadre", "unit", "section", "team")),
    "secondment": (Secondment, ("cadre", "unit", "section", "place")),
    "visit": (Visit, ("cadre", "unit", "section", "place__parent__parent")),
}
RECORD_LISTS = {
    "stint": "stint_list",
    "community_report": "community_report_list",
    "team_membership": "team_list",
    "secondment": "secondment_list",
    "visit": "visit_list",
}
DELETABLE = ("stint", "community_report", "secondment", "visit", "team_membership")
# The keyword each service names its record by, where it is not the key.
SERVICE_NAMES = {"community_report": "report", "team_membership": "membership"}


def _as_argument(key: str, record) -> dict[str, Any]:
    return {SERVICE_NAMES.get(key, key): record}


def _record(request: HttpRequest, key: str, pk: int, *, edit: bool = False):
    model, related = RECORD_MODELS[key]
    records = model.objects.editable_by(request.user) if edit else model.objects.visible_to(request.user)
    return get_object_or_404(records.select_related(*related), pk=pk)


def _record_detail(request: HttpRequest, key: str, record, *, evidence_form=None, status: int = 200) -> HttpResponse:
    model, _related = RECORD_MODELS[key]
    editable = model.objects.editable_by(request.user).filter(pk=record.pk).exists()
    context = {
        "record": record,
        "key": key,
        "title": model._meta.verbose_name,
        "fields": _fields(record),
        "editable": editable,
        "deletable": editable and key in DELETABLE,
        "list_url": reverse(f"practice:{RECORD_LISTS[key]}"),
        "list_title": {k.key: k.title for k in KINDS}.get(RECORD_LISTS[key].removesuffix("_list"), ""),
        **_evidence_context(request, record, editable, evidence_form),
    }
    if isinstance(record, TeamMembership) and editable and record.left_on is None:
        context["leave_url"] = reverse("practice:team_membership_leave", args=[record.pk])
    return render(request, "practice/pages/record_detail.html", context, status=status)


def record_detail_view(key: str):
    @require_GET
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _record_detail(request, key, _record(request, key, pk))

    view.__name__ = f"{key}_detail"
    return view


def _evidence_target(request: HttpRequest, key: str, pk: int):
    """The record evidence is added to: one the user may edit (a place: an administrator)."""
    if key == "place":
        require_admin(request.user)
        return get_object_or_404(Place.objects.visible_to(request.user), pk=pk)
    if key in ("campaign", "team"):
        require_admin(request.user)
        model = Campaign if key == "campaign" else Team
        return get_object_or_404(model.objects.editable_by(request.user), pk=pk)
    require_entry(request.user)
    return _record(request, key, pk, edit=True)


def evidence_view(key: str):
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = _evidence_target(request, key, pk)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            saved = _write(
                request,
                form,
                lambda: _service("evidence_add")(
                    actor=request.user, record=record, file=form.cleaned_data["file"], note=form.cleaned_data["note"]
                ),
            )
            if saved is not None:
                messages.success(request, _("The evidence was added."))
                return redirect(f"{record.get_absolute_url()}#evidence")
        if key in RECORD_MODELS:
            return _record_detail(request, key, record, evidence_form=form, status=400)
        return _BODY_DETAILS[key](request, record, evidence_form=form, status=400)

    view.__name__ = f"{key}_evidence"
    return view


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a piece of evidence (a file uploaded by mistake), for whoever may add evidence to its record."""
    require_entry(request.user)
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    record = evidence.record
    if record is None:
        raise Http404
    record = _evidence_target(request, _key_of(record), record.pk)
    try:
        _service("evidence_delete")(actor=request.user, evidence=evidence)
    except (ValidationError, PermissionDenied) as error:
        raise PermissionDenied from error
    messages.success(request, _("The evidence was removed."))
    return redirect(f"{record.get_absolute_url()}#evidence")


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, for whoever may see its record."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).exclude(file=""), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])


# --- entry and edit forms -----------------------------------------------------------------------------------------


class PracticeFormMixin:
    """The form view of a record: the user's choices in the form, the service's refusal on the form."""

    template_name = "practice/pages/form.html"
    service: str = ""
    heading: Any = ""
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check(request.user)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def check(self, user) -> None:
        require_entry(user)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        if issubclass(self.get_form_class(), UserFormMixin):  # type: ignore[attr-defined]
            kwargs["user"] = self.request.user
        return kwargs

    def fields_of(self, form) -> dict[str, Any]:
        return {name: value for name, value in form.cleaned_data.items() if not form.fields[name].disabled}

    def extra(self) -> dict[str, Any]:
        return {}

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, _("“%(name)s” was saved.") % {"name": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def save(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["heading"] = self.heading
        context["cancel_url"] = self.cancel_url()
        return context

    def cancel_url(self) -> str:
        obj = getattr(self, "object", None)
        return obj.get_absolute_url() if obj is not None and obj.pk else reverse("practice:index")


class RecordCreateView(PracticeFormMixin, CreateView):
    """Enter a cadre record (a community report, a secondment, a visit)."""

    def save(self, form):
        return _service(self.service)(actor=self.request.user, **self.fields_of(form), **self.extra())


class RecordUpdateView(EditConflictMixin, PracticeFormMixin, UpdateView):
    """Edit a record the user may edit (another's is a 404); a newer version is an edit conflict (409)."""

    key = ""

    def get_queryset(self):
        model, related = RECORD_MODELS[self.key]
        return model.objects.editable_by(self.request.user).select_related(*related)

    def save(self, form):
        return _service(self.service)(
            actor=self.request.user, **_as_argument(self.key, self.object), **self.fields_of(form)
        )


class AdminBodyMixin:
    """Places, campaigns and teams: administrators keep them."""

    def check(self, user) -> None:
        require_admin(user)


class BodyCreateView(AdminBodyMixin, RecordCreateView):
    pass


class BodyUpdateView(AdminBodyMixin, RecordUpdateView):
    def get_queryset(self):
        if self.model is Place:
            return Place.objects.visible_to(self.request.user).live()
        return self.model.objects.editable_by(self.request.user)  # type: ignore[attr-defined]


class StintCreateView(RecordCreateView):
    model = Stint
    form_class = StintForm
    service = "stint_create"
    heading = gettext_lazy("Add a deployment")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_entry(request.user)
        self.campaign = get_object_or_404(_open_to_entry(Campaign, request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def extra(self) -> dict[str, Any]:
        return {"campaign": self.campaign}

    def cancel_url(self) -> str:
        return self.campaign.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["parent"] = (self.campaign, self.campaign.get_absolute_url())
        return context


class MembershipCreateView(RecordCreateView):
    model = TeamMembership
    form_class = TeamMembershipForm
    service = "team_membership_create"
    heading = gettext_lazy("Add a team member")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_entry(request.user)
        self.team = get_object_or_404(_open_to_entry(Team, request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def extra(self) -> dict[str, Any]:
        return {"team": self.team}

    def cancel_url(self) -> str:
        return self.team.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["parent"] = (self.team, self.team.get_absolute_url())
        return context


def delete_view(key: str):
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        require_entry(request.user)
        record = _record(request, key, pk, edit=True)
        try:
            _service(f"{key}_delete")(actor=request.user, **_as_argument(key, record))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(record)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": record})
        if isinstance(record, TeamMembership):
            return redirect(record.team)
        if isinstance(record, Stint):
            return redirect(record.campaign)
        return redirect(f"practice:{RECORD_LISTS[key]}")

    view.__name__ = f"{key}_delete"
    return view


@require_http_methods(["GET", "POST"])
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """A member leaves the team: the first day no longer in it."""
    require_entry(request.user)
    membership = _record(request, "team_membership", pk, edit=True)
    form = LeaveForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        saved = _write(
            request,
            form,
            lambda: _service("team_membership_leave")(
                actor=request.user, membership=membership, left_on=form.cleaned_data["left_on"]
            ),
        )
        if saved is not None:
            messages.success(request, _("%(name)s left the team.") % {"name": membership.cadre.name})
            return redirect(membership.team)
    context = {
        "form": form,
        "heading": _("Leaving the team"),
        "parent": (membership.team, membership.team.get_absolute_url()),
        "cancel_url": membership.get_absolute_url(),
        "subject": f"{membership.cadre.name} · {membership.get_role_display()}",
    }
    return render(request, "practice/pages/form.html", context, status=400 if request.method == "POST" else 200)


# --- places -----------------------------------------------------------------------------------------------------


def _place_detail(request: HttpRequest, place: Place, *, evidence_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    counts = {
        "stints": Stint.objects.visible_to(user).filter(place=place).count(),
        "community_reports": CommunityReport.objects.visible_to(user).filter(place=place).count(),
        "secondments": Secondment.objects.visible_to(user).filter(place=place).count(),
        "visits": Visit.objects.visible_to(user).filter(place=place).count(),
    }
    query = f"?place={place.pk}"
    links = [
        (_("Deployments"), counts["stints"], reverse("practice:stint_list") + query),
        (_("Community reports"), counts["community_reports"], reverse("practice:community_report_list") + query),
        (_("Visits and frontline assignments"), counts["visits"], reverse("practice:visit_list") + query),
    ]
    context = {
        "place": place,
        "children": list(place.children.live().order_by("kind", "normalised_name")),
        "merged": list(place.merged_places.order_by("name")),
        "links": links,
        "secondments": counts["secondments"],
        "is_admin": _admins(user),
        **_evidence_context(request, place, _admins(user) and place.merged_into_id is None, evidence_form),
    }
    return render(request, "practice/pages/place_detail.html", context, status=status)


@require_GET
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(
        Place.objects.visible_to(request.user).select_related("parent__parent", "merged_into"), pk=pk
    )
    return _place_detail(request, place)


def _merge_moves(merged: Place) -> list[tuple[str, int]]:
    """What follows the merge: every record at the merged place, the places under it, those merged into it."""
    return [
        (_("Deployments"), Stint.objects.filter(place=merged).count()),
        (_("Community reports"), CommunityReport.objects.filter(place=merged).count()),
        (_("Secondments"), Secondment.objects.filter(place=merged).count()),
        (_("Visits and frontline assignments"), Visit.objects.filter(place=merged).count()),
        (_("Places under it"), merged.children.count()),
        (_("Spellings merged into it before"), merged.merged_places.count()),
    ]


@require_http_methods(["GET", "POST"])
def place_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Two places that are one: choose the other and which is kept; a confirm page shows what moves."""
    require_admin(request.user)
    place = get_object_or_404(Place.objects.visible_to(request.user).live().select_related("parent"), pk=pk)
    form = PlaceMergeForm(request.POST or None, place=place)
    context: dict[str, Any] = {"place": place, "form": form}
    if request.method == "GET":
        return render(request, "practice/pages/place_merge.html", context)
    if not form.is_valid():
        return render(request, "practice/pages/place_merge.html", context, status=400)
    kept, merged = form.kept_and_merged()
    if request.POST.get("confirm") != "1":
        context.update(kept=kept, merged=merged, moves=_merge_moves(merged), confirming=True)
        return render(request, "practice/pages/place_merge.html", context)
    try:
        _service("place_merge")(actor=request.user, keep=kept, gone=merged)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "practice/pages/place_merge.html", context, status=400)
    messages.success(request, _("“%(merged)s” was merged into “%(kept)s”.") % {"merged": merged, "kept": kept})
    return redirect(kept)


def body_delete_view(key: str):
    """A place, campaign or team nothing refers to (the service refuses one in use, with why)."""
    models = {"place": Place, "campaign": Campaign, "team": Team}
    lists = {"place": "place_list", "campaign": "campaign_list", "team": "team_list"}

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        require_admin(request.user)
        model = models[key]
        records = (
            Place.objects.visible_to(request.user).live() if model is Place else model.objects.editable_by(request.user)
        )
        record = get_object_or_404(records, pk=pk)
        try:
            _service(f"{key}_delete")(actor=request.user, **{key: record})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(record)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": record})
        return redirect(f"practice:{lists[key]}")

    view.__name__ = f"{key}_delete"
    return view


# --- campaigns and teams ------------------------------------------------------------------------------------------


def _campaign_detail(request: HttpRequest, campaign: Campaign, *, evidence_form=None, status: int = 200):
    user = request.user
    stints = (
        Stint.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("cadre", "section", *_place_related())
        .order_by("start_date", "cadre__name", "pk")
    )
    editable = Campaign.objects.editable_by(user).filter(pk=campaign.pk).exists()
    context = {
        "campaign": campaign,
        "stints": stints,
        "may_add": may_enter(user) and _open_to_entry(Campaign, user).filter(pk=campaign.pk).exists(),
        "editable": editable,
        "people": stints.values("cadre_id").distinct().count(),
        "import_url": _group_import_url(user, "stint", campaign.name) if editable else "",
        **_evidence_context(request, campaign, editable, evidence_form),
    }
    return render(request, "practice/pages/campaign_detail.html", context, status=status)


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(_bodies_seen(Campaign, request.user).select_related("unit"), pk=pk)
    return _campaign_detail(request, campaign)


def _team_detail(request: HttpRequest, team: Team, *, evidence_form=None, status: int = 200):
    user = request.user
    day = parse_date(request.GET.get("on", "") or "") if len(request.GET.get("on", "")) == 10 else None
    if day is None or not (dt.date(1950, 1, 1) <= day <= dt.date(2100, 12, 31)):
        day = timezone.localdate()
    memberships = (
        TeamMembership.objects.visible_to(user)
        .filter(team=team)
        .select_related("cadre", "section")
        .order_by("joined_on", "cadre__name", "pk")
    )
    rows = [(m, m.is_member_on(day)) for m in memberships]
    editable = Team.objects.editable_by(user).filter(pk=team.pk).exists()
    order = {"leader": 0, "deputy": 1, "member": 2}
    on_day = sorted((m for m, member in rows if member), key=lambda m: (order.get(m.role, 3), m.cadre.name))
    context = {
        "team": team,
        "rows": rows,
        "on_day": on_day,
        "day": day,
        "may_add": may_enter(user) and _open_to_entry(Team, user).filter(pk=team.pk).exists(),
        "import_url": _group_import_url(user, "team", team.name) if editable else "",
        "editable": editable,
        **_evidence_context(request, team, editable, evidence_form),
    }
    return render(request, "practice/pages/team_detail.html", context, status=status)


@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(_bodies_seen(Team, request.user).select_related("unit"), pk=pk)
    return _team_detail(request, team)


_BODY_DETAILS = {"place": _place_detail, "campaign": _campaign_detail, "team": _team_detail}


# --- one cadre's practice -----------------------------------------------------------------------------------------


@require_GET
def cadre_practice(request: HttpRequest, pk: int) -> HttpResponse:
    """Every practice record of one cadre the user may see: the cadre's practice archive."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    user = request.user
    sections = [
        (STINTS, _stints(user).filter(cadre=cadre).order_by("-start_date", "pk")),
        (COMMUNITY, _community(user).filter(cadre=cadre).order_by("-date", "pk")),
        (SECONDMENTS, _secondments(user).filter(cadre=cadre).order_by("-planned_start", "pk")),
        (VISITS, _visits(user).filter(cadre=cadre).order_by("-start_date", "pk")),
    ]
    memberships = (
        TeamMembership.objects.visible_to(user)
        .filter(cadre=cadre)
        .select_related("team", "section", "cadre")
        .order_by("-joined_on", "pk")
    )
    parts = [
        {
            "title": kind.title,
            "headers": [(c.header, c.wide) for c in kind.columns[2:]],
            "rows": [row[2:] for row in kind.rows(records)],
            "list_url": f"{reverse(f'practice:{kind.key}_list')}?cadre={cadre.pk}",
        }
        for kind, records in sections
    ]
    member_columns = [
        Column(gettext_lazy("team"), lambda m: m.team.name, _detail),
        *MEMBER_COLUMNS[2:],
    ]
    parts.insert(
        2,
        {
            "title": _("Teams"),
            "headers": [(c.header, c.wide) for c in member_columns],
            "rows": [[_cell(c, m) for c in member_columns] for m in memberships],
            "list_url": "",
        },
    )
    context = {"cadre": cadre, "parts": parts}
    return render(request, "practice/pages/cadre_practice.html", context)


# --- addresses --------------------------------------------------------------------------------------------------


PlaceCreate = BodyCreateView.as_view(
    model=Place, form_class=PlaceForm, service="place_create", heading=gettext_lazy("Add a place")
)
PlaceUpdate = BodyUpdateView.as_view(
    model=Place, form_class=PlaceForm, service="place_update", key="place", heading=gettext_lazy("Edit the place")
)
CampaignCreate = BodyCreateView.as_view(
    model=Campaign, form_class=CampaignForm, service="campaign_create", heading=gettext_lazy("Add a campaign")
)
CampaignUpdate = BodyUpdateView.as_view(
    model=Campaign,
    form_class=CampaignForm,
    service="campaign_update",
    key="campaign",
    heading=gettext_lazy("Edit the campaign"),
)
TeamCreate = BodyCreateView.as_view(
    model=Team, form_class=TeamForm, service="team_create", heading=gettext_lazy("Add a team")
)
TeamUpdate = BodyUpdateView.as_view(
    model=Team, form_class=TeamForm, service="team_update", key="team", heading=gettext_lazy("Edit the team")
)


def _record_urls(key: str, prefix: str, model, form_class, add_heading, edit_heading, *, create: bool = True):
    urls = [
        path(f"{prefix}/<int:pk>/", record_detail_view(key), name=f"{key}_detail"),
        path(
            f"{prefix}/<int:pk>/edit/",
            RecordUpdateView.as_view(
                model=model, form_class=form_class, service=f"{key}_update", key=key, heading=edit_heading
            ),
            name=f"{key}_update",
        ),
        path(f"{prefix}/<int:pk>/evidence/", evidence_view(key), name=f"{key}_evidence"),
    ]
    if create:
        urls.append(
            path(
                f"{prefix}/new/",
                RecordCreateView.as_view(
                    model=model, form_class=form_class, service=f"{key}_create", heading=add_heading
                ),
                name=f"{key}_create",
            )
        )
    if key in DELETABLE:
        urls.append(path(f"{prefix}/<int:pk>/delete/", delete_view(key), name=f"{key}_delete"))
    return urls


def _list_urls(kind: Kind, prefix: str):
    return [
        path(f"{prefix}/", list_view(kind), name=f"{kind.key}_list"),
        path(f"{prefix}/export/", export_view(kind), name=f"{kind.key}_export"),
    ]


urlpatterns = [
    path("", index, name="index"),
    *_list_urls(PLACES, "places"),
    path("places/new/", PlaceCreate, name="place_create"),
    path("places/<int:pk>/", place_detail, name="place_detail"),
    path("places/<int:pk>/edit/", PlaceUpdate, name="place_update"),
    path("places/<int:pk>/merge/", place_merge, name="place_merge"),
    path("places/<int:pk>/evidence/", evidence_view("place"), name="place_evidence"),
    path("places/<int:pk>/delete/", body_delete_view("place"), name="place_delete"),
    *_list_urls(CAMPAIGNS, "campaigns"),
    path("campaigns/new/", CampaignCreate, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", CampaignUpdate, name="campaign_update"),
    path("campaigns/<int:pk>/evidence/", evidence_view("campaign"), name="campaign_evidence"),
    path("campaigns/<int:pk>/delete/", body_delete_view("campaign"), name="campaign_delete"),
    path("campaigns/<int:pk>/deployments/new/", StintCreateView.as_view(), name="stint_create"),
    *_list_urls(STINTS, "deployments"),
    *_record_urls("stint", "deployments", Stint, StintForm, "", gettext_lazy("Edit the deployment"), create=False),
    *_list_urls(COMMUNITY, "community"),
    *_record_urls(
        "community_report",
        "community",
        CommunityReport,
        CommunityReportForm,
        gettext_lazy("Record a community report"),
        gettext_lazy("Edit the community report"),
    ),
    *_list_urls(TEAMS, "teams"),
    path("teams/new/", TeamCreate, name="team_create"),
    path("teams/<int:pk>/", team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", TeamUpdate, name="team_update"),
    path("teams/<int:pk>/evidence/", evidence_view("team"), name="team_evidence"),
    path("teams/<int:pk>/delete/", body_delete_view("team"), name="team_delete"),
    path("teams/<int:pk>/members/new/", MembershipCreateView.as_view(), name="team_membership_create"),
    *_record_urls(
        "team_membership",
        "members",
        TeamMembership,
        TeamMembershipForm,
        "",
        gettext_lazy("Edit the membership"),
        create=False,
    ),
    path("members/<int:pk>/leave/", membership_leave, name="team_membership_leave"),
    *_list_urls(SECONDMENTS, "secondments"),
    *_record_urls(
        "secondment",
        "secondments",
        Secondment,
        SecondmentForm,
        gettext_lazy("Record a secondment"),
        gettext_lazy("Edit the secondment"),
    ),
    *_list_urls(VISITS, "visits"),
    *_record_urls(
        "visit",
        "visits",
        Visit,
        VisitForm,
        gettext_lazy("Record a visit or frontline assignment"),
        gettext_lazy("Edit the visit or frontline assignment"),
    ),
    path("evidence/<int:pk>/", evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", evidence_delete, name="evidence_delete"),
    path("cadres/<int:pk>/", cadre_practice, name="cadre_practice"),
]
