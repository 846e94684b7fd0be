"""The year-end report: the draft's prose and figures, the pages, the Word document and the command.

The figures' values are taken from ``figures.compute`` (whichever implementation is in place); the tests of this
area's own logic (number formats, the dict of teams, regeneration) patch ``compute`` with known values."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import docx
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.core.concurrency import VERSION_FIELD
from ganxun.practice.tests.factories import TeamFactory, TeamMembershipFactory
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

from .. import figures as figures_module
from .. import services
from ..figures import CATALOGUE, SPECS, Figure
from ..models import Draft, Paragraph
from ..prose import DEFAULT_PROSE, check_placeholders, fill, placeholders, plain, shown, total
from ..word import FALLBACKS, report_docx

YEAR = 2025
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def known_figures(year: int, unit) -> dict[str, Figure]:
    """Every catalogue figure with a distinct value: 101, 102 … (学时 and % with a decimal), teams a dict."""
    result = {}
    for n, spec in enumerate(CATALOGUE, start=101):
        if spec.key == "team_members":
            value: object = {"应急支援队": 20, "青年突击队": 5}
        elif spec.unit in ("学时", "%"):
            value = Decimal(f"{n}.50")
        else:
            value = n
        url = "/hours/compliance/" if spec.key == "central_group_sessions" else None
        result[spec.key] = Figure(spec, value, url)
    return result


def doc_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Unit.objects.get(pk=home_unit_id())
        cls.section = SectionFactory(name="综合科")
        cls.cadres = [CadreFactory(section=cls.section) for _ in range(3)]
        cls.leader = CadreFactory(section=cls.section, name="局长甲", leadership_level="division_chief")
        cls.head = CadreFactory(section=cls.section, name="科长乙", leadership_level="section_chief")
        cls.admin = UserFactory(username="ye_admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.leader_user = UserFactory(username="ye_leader", role=Role.CADRE, cadre=cls.leader)
        cls.head_user = UserFactory(username="ye_head", role=Role.SECTION_HEAD, cadre=cls.head)
        cls.cadre_user = UserFactory(username="ye_cadre", role=Role.CADRE, cadre=cls.cadres[0])
        team = TeamFactory(name="房管应急支援队", unit=cls.home)
        for cadre in cls.cadres[:2]:
            TeamMembershipFactory(team=team, cadre=cadre, joined_on=dt.date(YEAR, 1, 1))
        cls.other_unit = UnitFactory(name="别的区局", code="OTHER")
        cls.draft = services.draft_create(actor=cls.admin, unit=cls.home, year=YEAR)

    # ---- the prose

    def test_the_default_prose_uses_every_figure_of_the_catalogue(self):
        used = {key for _kind, text in DEFAULT_PROSE for key in placeholders(text)}
        self.assertEqual(set(SPECS) - used, set())
        self.assertEqual(used - set(SPECS), set())
        kinds = [kind for kind, _text in DEFAULT_PROSE]
        headings = [text[:2] for kind, text in DEFAULT_PROSE if kind == "heading"]
        self.assertEqual(headings, ["一、", "二、", "三、", "四、"])
        self.assertIn("subheading", kinds)
        bodies = "".join(text for _kind, text in DEFAULT_PROSE)
        for point in ("一是", "二是", "三是", "下一步"):
            self.assertIn(point, bodies)

    def test_an_unknown_placeholder_is_refused_naming_it(self):
        with self.assertRaises(ValidationError) as caught:
            check_placeholders("全年举办{central_group_sessions}次，{no_such_figure}人")
        self.assertIn("{no_such_figure}", caught.exception.messages[0])
        self.assertNotIn("central_group_sessions", caught.exception.messages[0])
        with self.assertRaises(ValidationError):
            check_placeholders("全年举办{central_group_sessions次")
        check_placeholders("全年举办{central_group_sessions}次")

    def test_values_are_written_as_numbers(self):
        self.assertEqual(shown(Decimal("12.50")), "12.5")
        self.assertEqual(shown(Decimal("8.00")), "8")
        self.assertEqual(shown(7), "7")
        self.assertEqual(shown({"甲队": 3, "乙队": 4}), "7")
        self.assertEqual(plain(Decimal("8.00")), 8)
        self.assertEqual(plain(Decimal("8.5")), 8.5)
        self.assertEqual(total({}), 0)
        self.assertEqual(fill("共{awards}项{x}", {"awards": {"value": 3}}), "共3项—")

    # ---- the draft

    def test_a_draft_holds_the_default_prose_and_the_figures_computed(self):
        computed = figures_module.compute(year=YEAR, unit=self.home)
        self.assertEqual(
            {k: f["value"] for k, f in self.draft.figures.items()}, {k: plain(f.value) for k, f in computed.items()}
        )
        self.assertIsNotNone(self.draft.computed_at)
        self.assertEqual(self.draft.paragraphs.count(), len(DEFAULT_PROSE))
        self.assertIn(self.home.name, self.draft.paragraphs.first().text)
        self.assertTrue(AuditEvent.objects.filter(object_type="draft", object_id=str(self.draft.pk)).exists())
        self.assertEqual(services.draft_create(actor=self.admin, unit=self.home, year=YEAR), self.draft)

    def test_a_year_out_of_range_is_refused(self):
        with self.assertRaises(ValidationError):
            services.draft_create(actor=self.admin, unit=self.home, year=1999)

    def test_regenerating_updates_the_figures_and_keeps_the_prose(self):
        paragraph = self.draft.paragraphs.get(position=4)
        services.paragraph_update(
            actor=self.admin, paragraph=paragraph, text="中心组全年学习{central_group_sessions}次，常学常新。"
        )
        before = self.draft.computed_at
        with mock.patch.object(figures_module, "compute", known_figures):
            draft = services.draft_regenerate(actor=self.admin, draft=self.draft)
        self.assertEqual(draft.paragraphs.get(position=4).text, "中心组全年学习{central_group_sessions}次，常学常新。")
        self.assertEqual(
            draft.figures["central_group_sessions"]["value"],
            known_figures(YEAR, self.home)["central_group_sessions"].value,
        )
        self.assertGreaterEqual(draft.computed_at, before)
        event = AuditEvent.objects.filter(object_type="draft", object_id=str(draft.pk)).order_by("-pk").first()
        self.assertIn("figures", event.changes)

    def test_a_paragraph_keeps_its_placeholders_and_refuses_unknown_ones(self):
        paragraph = self.draft.paragraphs.get(position=5)
        services.paragraph_update(actor=self.admin, paragraph=paragraph, text="党课{party_lectures}场，效果良好。")
        paragraph.refresh_from_db()
        self.assertEqual(paragraph.text, "党课{party_lectures}场，效果良好。")
        with self.assertRaises(ValidationError):
            services.paragraph_update(actor=self.admin, paragraph=paragraph, text="党课{party_lecture}场。")
        paragraph.refresh_from_db()
        self.assertEqual(paragraph.text, "党课{party_lectures}场，效果良好。")
        event = AuditEvent.objects.filter(object_type="paragraph", object_id=str(paragraph.pk)).get()
        self.assertEqual(event.changes["text"][1], "党课{party_lectures}场，效果良好。")

    # ---- the pages

    def login(self, user):
        self.client.force_login(user)

    def test_the_draft_page_shows_each_value_linked_to_its_records(self):
        with mock.patch.object(figures_module, "compute", known_figures):
            services.draft_regenerate(actor=self.admin, draft=self.draft)
        self.login(self.admin)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("yearend:draft_detail", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(queries), 12)
        html = response.content.decode()
        self.assertIn('data-figure="central_group_sessions" href="/hours/compliance/"', html)
        self.assertIn('<span class="report-figure fw-semibold" data-figure="awards"', html)
        self.assertIn("合计25人：应急支援队20人、青年突击队5人", html)  # the appendix on screen
        self.assertEqual(html.count("data-figure-row="), len(CATALOGUE))
        self.assertIn(reverse("yearend:paragraph_update", args=[self.draft.paragraphs.first().pk]), html)

    def test_a_leader_reads_but_does_not_write(self):
        self.login(self.leader_user)
        self.assertEqual(self.client.get(reverse("yearend:draft_list")).status_code, 200)
        response = self.client.get(reverse("yearend:draft_detail", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(reverse("yearend:draft_regenerate", args=[self.draft.pk]), response.content.decode())
        self.assertEqual(self.client.get(reverse("yearend:draft_word", args=[self.draft.pk])).status_code, 200)
        paragraph = self.draft.paragraphs.first()
        self.assertEqual(self.client.get(reverse("yearend:paragraph_update", args=[paragraph.pk])).status_code, 403)
        self.assertEqual(self.client.post(reverse("yearend:draft_regenerate", args=[self.draft.pk])).status_code, 403)
        for user in (self.head_user, self.cadre_user):
            self.login(user)
            self.assertEqual(self.client.get(reverse("yearend:draft_detail", args=[self.draft.pk])).status_code, 403)

    def test_an_administrator_of_another_unit_does_not_find_the_draft(self):
        stranger = UserFactory(username="ye_stranger", role=Role.TRAINING_ADMIN, cadre=None, unit=self.other_unit)
        self.login(stranger)
        self.assertEqual(self.client.get(reverse("yearend:draft_detail", args=[self.draft.pk])).status_code, 404)
        response = self.client.post(reverse("yearend:draft_create"), {"unit": self.home.pk, "year": YEAR})
        self.assertEqual(response.status_code, 400)

    def test_choosing_a_unit_and_year_opens_or_writes_the_draft(self):
        self.login(self.admin)
        response = self.client.post(reverse("yearend:draft_create"), {"unit": self.home.pk, "year": YEAR})
        self.assertRedirects(response, reverse("yearend:draft_detail", args=[self.draft.pk]))
        response = self.client.post(reverse("yearend:draft_create"), {"unit": self.home.pk, "year": YEAR - 1})
        created = Draft.objects.get(unit=self.home, year=YEAR - 1)
        self.assertRedirects(response, reverse("yearend:draft_detail", args=[created.pk]))
        response = self.client.post(reverse("yearend:draft_create"), {"unit": self.home.pk, "year": 2999})
        self.assertEqual(response.status_code, 400)

    def test_editing_a_paragraph_inline_and_with_the_plain_form(self):
        self.login(self.admin)
        paragraph = self.draft.paragraphs.get(position=4)
        url = reverse("yearend:paragraph_update", args=[paragraph.pk])
        form = self.client.get(url, headers={"HX-Request": "true"})
        self.assertEqual(form.status_code, 200)
        self.assertNotIn("<html", form.content.decode())
        token = form.context["edit_version"]["token"]
        response = self.client.post(
            url,
            {"text": "全年中心组学习{central_group_sessions}次。", VERSION_FIELD: token},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-figure="central_group_sessions"', response.content.decode())
        # The plain form: an unknown placeholder comes back named, nothing saved.
        token = self.client.get(url).context["edit_version"]["token"]
        response = self.client.post(url, {"text": "全年{central_group}次。", VERSION_FIELD: token})
        self.assertEqual(response.status_code, 400)
        self.assertIn("{central_group}", response.content.decode())
        response = self.client.post(url, {"text": "全年{central_group_sessions}次，扎实有效。", VERSION_FIELD: token})
        self.assertRedirects(response, f"{reverse('yearend:draft_detail', args=[self.draft.pk])}#p-{paragraph.pk}")
        paragraph.refresh_from_db()
        self.assertEqual(paragraph.text, "全年{central_group_sessions}次，扎实有效。")

    def test_regenerating_from_the_page(self):
        self.login(self.admin)
        before = list(self.draft.paragraphs.values_list("text", flat=True))
        with mock.patch.object(figures_module, "compute", known_figures):
            response = self.client.post(reverse("yearend:draft_regenerate", args=[self.draft.pk]))
        self.assertRedirects(response, reverse("yearend:draft_detail", args=[self.draft.pk]))
        self.draft.refresh_from_db()
        self.assertEqual(list(self.draft.paragraphs.values_list("text", flat=True)), before)
        self.assertEqual(self.draft.figures["awards"]["value"], known_figures(YEAR, self.home)["awards"].value)
        self.assertEqual(self.draft.figures["team_members"]["value"], {"应急支援队": 20, "青年突击队": 5})

    def test_an_edit_over_a_newer_one_is_a_conflict(self):
        self.login(self.admin)
        paragraph = self.draft.paragraphs.get(position=6)
        url = reverse("yearend:paragraph_update", args=[paragraph.pk])
        token = self.client.get(url).context["edit_version"]["token"]
        services.paragraph_update(actor=self.leader_user, paragraph=paragraph, text="别人改过{online_hours}学时。")
        response = self.client.post(url, {"text": "我改的{online_hours}学时。", VERSION_FIELD: token})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "edit-conflict", status_code=409)
        # Inline, the form comes back in place (htmx swaps only a 2xx) with the notice.
        response = self.client.post(
            url, {"text": "我改的{online_hours}学时。", VERSION_FIELD: token}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "edit-conflict")
        paragraph.refresh_from_db()
        self.assertEqual(paragraph.text, "别人改过{online_hours}学时。")

    # ---- the Word document

    def document(self, **overrides):
        stored = self.draft.figures
        return docx.Document(
            io.BytesIO(
                report_docx(
                    unit_name=self.home.name,
                    year=YEAR,
                    paragraphs=[(p.kind, p.text) for p in self.draft.paragraphs.all()],
                    figures=stored,
                    computed_at=self.draft.computed_at,
                    **overrides,
                )
            )
        )

    def test_the_word_document_is_laid_out_as_an_official_document(self):
        document = self.document()
        section = document.sections[0]

        def mm(length):  # stored in twips: within a hundredth of a millimetre
            return round(length.mm, 1)

        self.assertEqual((mm(section.page_width), mm(section.page_height)), (210, 297))
        self.assertEqual(
            [mm(m) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)],
            [37, 35, 28, 26],
        )
        grid = section._sectPr.find(f"{W}docGrid")
        self.assertEqual(int(grid.get(f"{W}linePitch")), 580)  # 225 mm / 22 lines
        spacing = document.styles["Normal"].element.rPr.find(f"{W}spacing")
        self.assertLessEqual(28 * (16 + int(spacing.get(f"{W}val")) / 20), 156 / 25.4 * 72)  # 28 characters a line
        self.assertTrue(document.settings.odd_and_even_pages_header_footer)
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element.xml
            self.assertIn(" PAGE ", xml)
            self.assertIn("— ", footer.paragraphs[0].text)
        self.assertEqual(section.footer.paragraphs[0].alignment, 2)  # right on odd pages
        self.assertEqual(section.even_page_footer.paragraphs[0].alignment, 0)  # left on even pages

        def east_asia(paragraph):
            return paragraph.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia")

        paragraphs = document.paragraphs
        self.assertEqual(east_asia(paragraphs[1]), "方正小标宋简体")
        self.assertEqual(paragraphs[1].runs[0].font.size.pt, 22)
        heading = next(p for p in paragraphs if p.text.startswith("一、"))
        subheading = next(p for p in paragraphs if p.text.startswith("（一）"))
        body = next(p for p in paragraphs if p.text.startswith("一是"))
        self.assertEqual(east_asia(heading), "黑体")
        self.assertEqual(east_asia(subheading), "楷体_GB2312")
        self.assertEqual(east_asia(body), "仿宋_GB2312")
        self.assertEqual(body.runs[0].font.size.pt, 16)
        self.assertEqual(body.paragraph_format.line_spacing.pt, 29)
        font_table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        for name, alternative in FALLBACKS.items():
            self.assertIn(f'w:name="{name}"><w:altName w:val="{alternative}"/>', font_table.blob.decode())

    def test_the_document_states_every_figure_and_lists_them_in_the_appendix(self):
        with mock.patch.object(figures_module, "compute", known_figures):
            services.draft_regenerate(actor=self.admin, draft=self.draft)
        self.draft.refresh_from_db()
        document = self.document()
        text = doc_text(document)
        for key, figure in known_figures(YEAR, self.home).items():
            self.assertIn(shown(figure.value), text, key)
        self.assertIn("应急支援队在队队员25人", text)
        self.assertIn("达标率", text)
        self.assertIn("附件", text)
        table = document.tables[-1]
        self.assertEqual(len(table.rows), len(CATALOGUE) + 1)
        self.assertEqual([c.text for c in table.rows[0].cells], ["序号", "数字", "数值", "统计口径", "计算日期"])
        day = self.draft.computed_at.astimezone().date()
        self.assertEqual([row.cells[1].text for row in table.rows[1:]], [spec.label for spec in CATALOGUE])
        by_label = {row.cells[1].text: row for row in table.rows[1:]}
        for spec in CATALOGUE:
            cells = [c.text for c in by_label[spec.label].cells]
            self.assertEqual(cells[3], spec.definition)
            self.assertEqual(cells[4], day.isoformat())
        self.assertEqual(by_label["应急支援队队员"].cells[2].text, "合计25人：应急支援队20人、青年突击队5人")
        self.assertEqual(by_label["人均学时"].cells[2].text, "104.5学时")

    def test_the_document_with_the_figures_as_computed(self):
        response = self.client_as(self.admin).get(reverse("yearend:draft_word", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 200)
        text = doc_text(docx.Document(io.BytesIO(response.content)))
        for key, figure in figures_module.compute(year=YEAR, unit=self.home).items():
            self.assertIn(shown(figure.value), text, key)

    def client_as(self, user):
        self.client.force_login(user)
        return self.client

    # ---- the command

    def test_the_command_writes_the_document_and_the_figures(self):
        paragraph = self.draft.paragraphs.get(position=5)
        services.paragraph_update(actor=self.admin, paragraph=paragraph, text="党课办得好，共{party_lectures}场。")
        with tempfile.TemporaryDirectory() as folder:
            output, figures = Path(folder) / "r.docx", Path(folder) / "f.json"
            out = io.StringIO()
            call_command("yearend_report", year=YEAR, output=str(output), figures=str(figures), stdout=out)
            text = doc_text(docx.Document(str(output)))
            values = json.loads(figures.read_text(encoding="utf-8"))
        computed = figures_module.compute(year=YEAR, unit=self.home)
        self.assertEqual(values, {key: plain(f.value) for key, f in computed.items()})
        self.assertEqual(list(values), [spec.key for spec in CATALOGUE] + [k for k in values if k not in SPECS])
        self.assertIsInstance(values["team_members"], dict)
        self.assertIn("党课办得好", text)  # the draft's prose
        for key, figure in computed.items():
            self.assertIn(shown(figure.value), text, key)
        self.assertIn(str(output), out.getvalue().strip().splitlines()[-1])
        self.assertEqual(Draft.objects.count(), 1)

    def test_the_command_without_a_draft_writes_the_default_text_and_saves_nothing(self):
        with tempfile.TemporaryDirectory() as folder, mock.patch.object(figures_module, "compute", known_figures):
            output = Path(folder) / "r.docx"
            call_command("yearend_report", year=YEAR - 3, unit=self.home.code, output=str(output), stdout=io.StringIO())
            text = doc_text(docx.Document(str(output)))
        self.assertIn("一是抓关键少数", text)
        self.assertIn("应急支援队在队队员25人", text)
        self.assertFalse(Draft.objects.filter(year=YEAR - 3).exists())
        self.assertFalse(Paragraph.objects.filter(draft__year=YEAR - 3).exists())

    def test_the_command_refuses_an_unknown_unit_or_year(self):
        with self.assertRaisesMessage(CommandError, "NOPE"):
            call_command("yearend_report", year=YEAR, unit="NOPE", output="/tmp/x.docx", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "1999"):
            call_command("yearend_report", year=1999, output="/tmp/x.docx", stdout=io.StringIO())
        with tempfile.TemporaryDirectory() as folder, self.assertRaisesMessage(CommandError, "所在文件夹不存在"):
            missing = Path(folder) / "没有的文件夹" / "总结.docx"
            call_command("yearend_report", year=YEAR, output=str(missing), stdout=io.StringIO())

    def test_the_command_takes_a_unit_code_in_any_case(self):
        with tempfile.TemporaryDirectory() as folder:
            out = io.StringIO()
            code = f" {self.home.code.lower()} "
            call_command("yearend_report", year=YEAR, unit=code, output=str(Path(folder) / "a.docx"), stdout=out)
        self.assertIn(self.home.name, out.getvalue())


class DemoTests(TestCase):
    def test_the_demo_writes_the_bureau_draft_of_the_demo_year(self):
        from ganxun.demo.practice import practice_year_of
        from ganxun.demo.yearend import load_yearend

        admin = UserFactory(username="ye_demo_admin", role=Role.TRAINING_ADMIN, cadre=None)
        today = dt.date(2026, 12, 1)
        result = load_yearend(today=today)
        self.assertEqual((result.draft.unit, result.draft.year), (admin.unit, practice_year_of(today)))
        self.assertIn("加速度", result.draft.paragraphs.order_by("-position").first().text)
        self.assertLessEqual(set(SPECS), set(result.draft.figures))
