from django.urls import path

from . import dashboard_views, views

app_name = "seizures"
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_create, name="report-new"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("export.<str:fmt>", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/status/", views.import_job_status, name="import-job-status"),
    path("operations/", views.operation_list, name="operation-list"),
    path("operations/new/", views.operation_create, name="operation-new"),
    path("operations/<slug:code>/", views.operation_detail, name="operation-detail"),
    path("commodities/", views.commodity_list, name="commodities"),
]
