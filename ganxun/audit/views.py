# Placeholder replaced by the audit UI work.
from django.http import HttpResponse


def event_list(request):
    return HttpResponse("")
