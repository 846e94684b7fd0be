from django.urls import path

from .views import checkin, evaluation, imports, sheet

app_name = "attendance"
urlpatterns = [
    # The address in the QR code: short, so that the code stays easy to scan.
    path("c/<str:token>/", checkin.checkin, name="checkin"),
    path("sessions/<int:pk>/screen/", checkin.checkin_screen, name="checkin_screen"),
    path("sessions/<int:pk>/sheet/", sheet.attendance_sheet, name="attendance_sheet"),
    path("sessions/<int:pk>/import/", imports.session_import, name="session_import"),
    path("sessions/<int:pk>/import/template/", imports.session_import_template, name="session_import_template"),
    path("activities/<int:pk>/import/", imports.activity_import, name="activity_import"),
    path("activities/<int:pk>/import/template/", imports.activity_import_template, name="activity_import_template"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("sessions/<int:pk>/evaluate/", evaluation.evaluation_create, name="evaluation_create"),
    path("sessions/<int:pk>/evaluations/", evaluation.evaluation_detail, name="evaluation_detail"),
    path("evaluations/", evaluation.evaluation_list, name="evaluation_list"),
]
