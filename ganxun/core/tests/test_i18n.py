"""The Chinese catalogue is complete, current with the sources, and the pages come out in Chinese."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
# What a checkout holds besides the sources makemessages reads.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "staticfiles", "var", "test-artifacts", "__pycache__", "*.mo", ".*_cache"
)


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def test_every_committed_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, (
        f"Translate these in locale/fragments/<area>.po, then run manage.py catalogue: {untranslated}"
    )
    assert not fuzzy, f"Fuzzy entries in django.po (translate them in a fragment): {fuzzy}"


def test_no_msgid_is_translated_two_ways_in_the_fragments():
    """One English word, one Chinese word: two areas translating the same msgid differently would leave the page
    to whichever fragment the catalogue read last (队伍 or 团队, 活动 or 专项行动)."""
    seen: dict[str, dict[str, str]] = {}
    for fragment in sorted((BASE_DIR / "locale" / "fragments").glob("*.po")):
        for entry in polib.pofile(str(fragment)):
            if entry.msgstr:
                seen.setdefault(key(entry), {}).setdefault(entry.msgstr, fragment.name)
    twice = {msgid: ways for msgid, ways in seen.items() if len(ways) > 1}
    assert not twice, f"translated differently in two fragments (keep one): {twice}"


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for msgstr in translations:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
                wrong.append((entry.msgid, msgstr))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> polib.POFile:
    """The catalogue as `manage.py catalogue` would build it now, in a copy of the checkout (needs xgettext)."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (GNU gettext) is needed to collect the msgids: apt-get install gettext")
    copy = tmp_path_factory.mktemp("i18n") / "src"
    shutil.copytree(BASE_DIR, copy, ignore=NOT_SOURCES)
    (copy / "node_modules").symlink_to(BASE_DIR / "node_modules", target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "catalogue", "--skip-checks"],
        cwd=copy,
        env={
            **{k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "GANXUN_VAR_DIR": str(copy.parent / "var"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_the_committed_catalogue_holds_every_msgid_in_the_sources(rebuilt):
    committed = {key(e) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    in_sources = {key(e) for e in rebuilt if not e.obsolete}
    missing = sorted(in_sources - committed)
    stale = sorted(committed - in_sources)
    assert not missing, f"msgids in the code but not in django.po; run `manage.py catalogue` and commit it: {missing}"
    assert not stale, f"django.po holds msgids the code no longer uses; run `manage.py catalogue`: {stale}"


def test_the_committed_catalogue_has_the_fragments_translations(rebuilt):
    committed = {key(e): e.msgstr for e in polib.pofile(str(CATALOGUE))}
    differ = [e.msgid for e in rebuilt if e.msgstr and committed.get(key(e), e.msgstr) != e.msgstr]
    assert not differ, f"a fragment changed but django.po was not rebuilt; run `manage.py catalogue`: {differ}"
    untranslated = [e.msgid for e in rebuilt.untranslated_entries()]
    assert not untranslated, f"no translation in locale/fragments/ for: {untranslated}"


@pytest.mark.django_db
def test_pages_render_in_chinese():
    html = Client().get("/accounts/login/").content.decode()
    assert 'lang="zh-Hans"' in html
    for chinese in ("登录", "用户名", "密码", "干部教育培训管理系统"):
        assert chinese in html
    assert "Log in" not in html
    assert "Username" not in html
