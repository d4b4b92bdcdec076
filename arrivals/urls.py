from django.urls import path

from . import views

app_name = "arrivals"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.notice_create, name="create"),
    path("import/", views.notice_import, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import-job"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/arrived/", views.notice_arrived, name="arrived"),
    path("<int:pk>/outcome/", views.notice_outcome, name="outcome"),
]
