from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("ganxun.core.urls")),
    path("accounts/", include("ganxun.accounts.urls")),
    path("roster/", include("ganxun.roster.urls")),
    path("audit/", include("ganxun.audit.urls")),
    path("training/", include("ganxun.training.urls")),
    path("attendance/", include("ganxun.attendance.urls")),
    path("hours/", include("ganxun.hours.urls")),
    path("practice/", include("ganxun.practice.urls")),
    path("online/", include("ganxun.online.urls")),
    path("microclass/", include("ganxun.microclass.urls")),
    path("study/", include("ganxun.study.urls")),
    path("lectures/", include("ganxun.lectures.urls")),
    path("plans/", include("ganxun.plans.urls")),
    path("nominations/", include("ganxun.nominations.urls")),
    path("menu/", include("ganxun.menu.urls")),
    path("rotation/", include("ganxun.rotation.urls")),
    path("reception/", include("ganxun.reception.urls")),
    path("sites/", include("ganxun.sites.urls")),
    path("reminders/", include("ganxun.reminders.urls")),
    path("orgstats/", include("ganxun.orgstats.urls")),
    path("dashboard/", include("ganxun.dashboard.urls")),
    path("yearend/", include("ganxun.yearend.urls")),
    path("django-admin/", admin.site.urls),
]
