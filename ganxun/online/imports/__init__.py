"""A platform's export from Excel: ``online_import`` checks (the preview, ``--dry-run``) or imports it, all rows or
none; the web page and ``manage.py import_online`` both call it.  ``template_workbook`` is a platform's template."""

from .engine import Listed, OnlineImportResult, online_import  # noqa: F401
from .template import template_workbook  # noqa: F401
