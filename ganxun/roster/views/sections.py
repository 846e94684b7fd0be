# Placeholder replaced by the roster UI work.
from django.http import HttpResponse
from django.views.generic import View


def section_list(request):
    return HttpResponse("")


section_detail = tag_list = section_list


class SectionCreateView(View):
    pass


SectionUpdateView = TagCreateView = TagUpdateView = SectionCreateView
