"""Build the Chinese catalogue: collect msgids, fill them from locale/fragments/, compile the .mo.

``manage.py catalogue`` (needs GNU gettext's xgettext, a developer tool) rewrites
locale/zh_Hans/LC_MESSAGES/django.po from the sources and the translation fragments;
``manage.py catalogue --compile`` only compiles the committed .po into the .mo Django reads,
with polib, so that setting up needs no gettext tools.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import BaseCommand, call_command

LOCALE = "zh_Hans"


def catalogue_path() -> Path:
    return Path(settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def fragment_translations() -> dict[tuple[str, str], polib.POEntry]:
    """msgctxt+msgid -> entry, from every fragment file."""
    found: dict[tuple[str, str], polib.POEntry] = {}
    for path in sorted((Path(settings.BASE_DIR) / "locale" / "fragments").glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr or entry.msgstr_plural:
                found[(entry.msgctxt or "", entry.msgid)] = entry
    return found


class Command(BaseCommand):
    help = "Rebuild (or with --compile only compile) the Simplified Chinese catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--compile", action="store_true", help="only compile the .po into the .mo")

    def handle(self, *args, compile: bool, **options):
        path = catalogue_path()
        if not compile:
            call_command(
                "makemessages",
                locale=[LOCALE],
                ignore_patterns=[".venv/*", "node_modules/*", "staticfiles/*", "var/*", "*/tests/*", "benchmarks/*"],
                no_obsolete=True,
                add_location="file",
                verbosity=0,
            )
            po = polib.pofile(str(path))
            fragments = fragment_translations()
            missing = []
            for entry in po:
                source = fragments.get((entry.msgctxt or "", entry.msgid))
                if source is not None:
                    entry.msgstr = source.msgstr
                    if source.msgstr_plural:
                        entry.msgstr_plural = dict(source.msgstr_plural)
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                elif not entry.translated():
                    missing.append(entry.msgid)
            po.metadata["Language"] = "zh_Hans"
            po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            po.save(str(path))
            for msgid in missing:
                self.stderr.write(f"untranslated: {msgid!r}")
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
        self.stdout.write(f"compiled {path.with_suffix('.mo').relative_to(settings.BASE_DIR)}")
