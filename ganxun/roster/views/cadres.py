# Placeholder replaced by the roster UI work.
from django.http import HttpResponse
from django.views.generic import View


def cadre_list(request):
    return HttpResponse("")


cadre_detail = cadre_status = cadre_list


class CadreCreateView(View):
    pass


class CadreUpdateView(View):
    pass
