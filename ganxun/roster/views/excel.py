# Placeholder replaced by the import work.
from django.http import HttpResponse


def cadre_import(request):
    return HttpResponse("")


cadre_import_confirm = cadre_import_template = cadre_import
cadre_export = cadre_import
