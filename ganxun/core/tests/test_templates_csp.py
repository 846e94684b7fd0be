"""The pages run under a Content-Security-Policy without 'unsafe-inline': an inline event handler (onclick=…) in a
template is blocked by the browser, so a print button or a year picker with one silently does nothing."""

import re
from pathlib import Path

from django.conf import settings

HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler():
    found = []
    for path in sorted((Path(settings.BASE_DIR) / "ganxun").rglob("templates/**/*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HANDLER.search(line):
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert not found, "Use a script with the page's nonce instead:\n" + "\n".join(found)
