from django.urls import path

from alerts import views as preference_views

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.query_new, name="file"),
    path("figures/", views.figures, name="figures"),
    path(
        "figures/failed-alerts/resend/",
        views.failed_alerts_resend,
        name="failed-alerts-resend",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/preferences/",
        preference_views.preferences,
        name="alert-preferences",
    ),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("<int:pk>/", views.query_detail, name="detail"),
    path("<int:pk>/export.txt", views.query_export, name="export"),
    path("<int:pk>/acknowledge/", views.query_acknowledge, name="acknowledge"),
    path("<int:pk>/reply/", views.query_reply, name="reply"),
    path("<int:pk>/outcome/", views.query_outcome, name="outcome"),
    path("<int:pk>/close/", views.query_close, name="close"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
