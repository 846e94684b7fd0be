"""What the fuzz tests know of pages: their forms read from the HTML, and the values to throw at them.

Nothing here names a page.  ``read_forms`` finds, in a rendered page, every form with its method, where it
goes and its fields (with their options), the query parameters its links and HTMX requests carry; the
strategies turn a field into hostile or well-typed values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from contextlib import suppress
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, ResolutionFailed
from hypothesis.extra.django import from_field

# Values that broke, or could break, a page that trusted its input: integers beyond 64 bits and below zero,
# digits int() refuses or misreads, dates at and beyond the calendar's ends, NUL, a rare CJK character
# outside the BMP, markup, long text.
HUGE = "99999999999999999999"
SWEEP = (HUGE, "-1", "²", "0001-01-01", "9999-12-31", "𠮷\x00")
HOSTILE = (
    *SWEEP,
    "9223372036854775808",
    "0",
    "-9223372036854775809",
    "١٢",
    "１２",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    " 1",
    "1.5",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12",
    "0001-01",
    "2026-1-1",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "24:00",
    "99:99",
    "",
    " ",
    "\x00",
    "a\x00b",
    "𠮷野家",
    "\u202eevil",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "𠮷" * 300,
    "x" * 5000,
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
UPLOADS = (
    ("名单.xlsx", b"PK\x03\x04not really a workbook"),
    ("empty.xlsx", b""),
    ("scan.pdf", b"%PDF-1.4\n%%EOF"),
    ("photo.png", b"\x89PNG\r\n\x1a\nxx"),
    ("virus.exe", b"MZ\x90\x00"),
    ("讲稿.docx", b"PK\x03\x04"),
)


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # the input's type, or select / textarea / submit
    values: list[str] = dataclasses.field(default_factory=list)  # options, or what a hidden / checkbox carries
    multiple: bool = False
    shown: list[str] = dataclasses.field(default_factory=list)  # what the browser sends if nobody touches it


@dataclasses.dataclass
class Form:
    method: str
    action: str  # the path it goes to
    fields: dict[str, Field] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Page:
    forms: list[Form] = dataclasses.field(default_factory=list)
    # path -> parameter name -> values seen (GET forms, links, HTMX requests)
    queries: dict[str, dict[str, set[str]]] = dataclasses.field(default_factory=lambda: defaultdict(dict))


class _FormReader(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.page = Page()
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.htmx_targets: list[str] = []  # hx-get paths inside the form being read

    def _path(self, address: str | None) -> str:
        return urlsplit(urljoin(self.url, address or self.url)).path

    def _query(self, path: str, name: str, value: str) -> None:
        self.page.queries[path].setdefault(name, set()).add(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "hx-get" in a and self.form is not None:
            self.htmx_targets.append(self._path(a["hx-get"]))
        if tag == "a" and "?" in a.get("href", ""):
            target = urlsplit(urljoin(self.url, a["href"]))
            for name, value in parse_qsl(target.query, keep_blank_values=True):
                self._query(target.path, name, value)
        elif tag == "form":
            self.form = Form(method=a.get("method", "get").lower(), action=self._path(a.get("action")))
            self.htmx_targets = []
        elif self.form is not None and tag in ("input", "button", "select", "textarea") and a.get("name"):
            kind = {"select": "select", "textarea": "textarea", "button": "submit"}.get(tag) or a.get("type", "text")
            kind = kind.lower()
            field = self.form.fields.setdefault(a["name"], Field(a["name"], kind, multiple="multiple" in a))
            value = a.get("value", "on" if kind == "checkbox" else "")
            if kind in ("hidden", "checkbox", "radio", "submit") or (tag == "input" and a.get("value")):
                field.values.append(value)
            if tag == "input" and "disabled" not in a:
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        field.shown.append(value)
                elif kind not in ("file", "submit", "image", "reset", "button"):
                    field.shown = [value]
            if tag == "select":
                self.select = None if "disabled" in a else field
            elif tag == "textarea":
                self.textarea = field
                field.shown = [""]
        elif tag == "option" and self.select is not None:
            self.select.values.append(a.get("value", ""))
            if "selected" in a:
                self.select.shown.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.shown = [self.textarea.shown[0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.form is not None:
            self.page.forms.append(self.form)
            queries = [self.form.action] if self.form.method == "get" else []
            for path in [*queries, *self.htmx_targets]:
                for field in self.form.fields.values():
                    if field.kind != "submit":
                        for value in field.values or [""]:
                            self._query(path, field.name, value)
            self.form = None


def read_forms(url: str, html: str) -> Page:
    """The forms of a page, and the query parameters its links, GET forms and HTMX requests send where."""
    reader = _FormReader(url)
    reader.feed(html)
    reader.close()
    return reader.page


def context_forms(response) -> list[forms.BaseForm]:
    """The Django forms the page was rendered with, to draw well-typed values from."""
    found: dict[int, forms.BaseForm] = {}
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else context.values():
            if isinstance(value, forms.BaseForm):
                found[id(value)] = value
    return list(found.values())


def hostile() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE), TEXT)


def query_values(known: set[str]) -> st.SearchStrategy[list[str]]:
    """One to three values for a query parameter (repeated keys): ones seen on the pages, or hostile ones."""
    value = st.one_of(st.sampled_from(sorted(known)), hostile()) if known else hostile()
    return st.lists(value, min_size=1, max_size=3)


def _posted(value: Any) -> Any:
    """A Python value as the browser would send it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            with suppress(OverflowError):  # at the calendar's ends there is no local time: send it as drawn
                value = timezone.localtime(value)
        return value.replace(tzinfo=None).isoformat(timespec="minutes")  # strftime drops year 1's zeros
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set | frozenset) or hasattr(value, "model"):
        return [str(getattr(v, "pk", v)) for v in value]
    return str(getattr(value, "pk", value))


def _typed(field: forms.Field) -> st.SearchStrategy[Any] | None:
    """Well-typed values for a Django form field (hypothesis.extra.django), as posted; None if it has none."""
    if field.disabled or isinstance(field, forms.FileField):
        return None
    try:
        strategy = from_field(field)
        strategy.validate()  # builds the strategy now: some fields (choices set by hand) have none
    except (InvalidArgument, ResolutionFailed, TypeError, AttributeError):
        return None
    return strategy.map(_posted)


def field_values(field: Field, typed: forms.Field | None) -> st.SearchStrategy[Any]:
    """What to post for one field: what the page offers, well-typed values, hostile ones; or leave it out."""
    options: list[st.SearchStrategy[Any]] = []
    if field.values:
        choices = sorted(set(field.values))
        options.append(st.lists(st.sampled_from(choices), max_size=3) if field.multiple else st.sampled_from(choices))
    if typed is not None and (strategy := _typed(typed)) is not None:
        options.append(strategy)
    if field.kind == "file":
        options.append(st.sampled_from(UPLOADS).map(lambda upload: SimpleUploadedFile(*upload)))
    options.append(hostile())
    if field.multiple or field.kind == "checkbox":
        options.append(st.lists(hostile(), max_size=3))
    return st.one_of(st.none(), *options)  # None: the browser does not send it


def form_data(form: Form, typed: dict[str, forms.Field]) -> st.SearchStrategy[dict[str, Any]]:
    """POST data for a form: every field drawn, those drawn as None left out."""
    strategies = {name: field_values(field, typed.get(name)) for name, field in form.fields.items()}
    return st.fixed_dictionaries(strategies).map(lambda data: {k: v for k, v in data.items() if v is not None})


# For the sweeps of a form: per kind of field, the values at and beyond its ends; the i-th sweep sends each
# field the i-th value of its kind, so that every field meets every one of them in len(...) requests.
SWEEP_BY_KIND = {
    "date": ("0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "²", "𠮷\x00"),
    "datetime-local": ("0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01 00:00", "2026-02-30T10:00", HUGE, "\x00"),
    "time": ("24:00", "00:00", "23:59", "99:99", "-1", "𠮷\x00"),
    "month": ("0001-01", "9999-12", "2026-13", "10000-01", "²", "\x00"),
    "number": (HUGE, "-1", "1e309", "NaN", "²", "9999999.99"),
    "choice": (HUGE, "-1", "²", "0", "𠮷\x00", ""),
    "text": ("𠮷\x00", "𠮷" * 300, "x" * 5000, "", "<script>alert(1)</script>", HUGE),
    # Hidden fields carry ids and a record's version: kept as shown at first, so that the other fields'
    # values reach the save, then hostile.
    "hidden": (None, None, None, HUGE, "²", "-1"),
    # A field known only by its name (no page showed the form): ids, dates and text alike.
    "unknown": SWEEP,
}
SWEEPS = max(len(values) for values in SWEEP_BY_KIND.values())
# One field at a time at the ends of its range, the others as the page showed them (so that, on an edit
# form, the value gets past the other fields' validation to the save).
ENDS = {
    "date": ("0001-01-01", "9999-12-31"),
    "datetime-local": ("0001-01-01T00:00", "9999-12-31T23:59"),
    "time": ("00:00", "23:59"),
    "month": ("0001-01", "9999-12"),
    "number": ("-" + HUGE, HUGE),
}
_CHOICES = {"select", "radio", "checkbox"}


def shown_data(form: Form) -> dict[str, Any]:
    """What the browser posts when the form is submitted as shown (the first button pressed)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.kind == "submit":
            if field.values:
                data[name] = field.values[0]
        elif field.shown:
            data[name] = field.shown if field.multiple or field.kind == "checkbox" else field.shown[0]
    return data


def sweep_data(form: Form, sweep: int) -> dict[str, Any]:
    """The ``sweep``-th hostile value of each field's kind in every field at once."""
    data = shown_data(form)
    for name, field in form.fields.items():
        if field.kind == "file":
            continue
        if field.kind == "submit":
            if field.values:
                data[name] = field.values[sweep % len(field.values)]  # each button in turn (approve, reject …)
            continue
        kind = "choice" if field.kind in _CHOICES else field.kind
        values = SWEEP_BY_KIND.get(kind, SWEEP_BY_KIND["text"])
        value = values[sweep % len(values)]
        if value is not None:
            data[name] = value
    return data


def end_data(form: Form) -> list[dict[str, Any]]:
    """For each date, time or number field, the form as shown with that one field at either end of its range."""
    shown = shown_data(form)
    return [{**shown, name: value} for name, field in form.fields.items() for value in ENDS.get(field.kind, ())]
