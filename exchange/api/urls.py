from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AttachmentDownloadView, NotificationViewSet, QueryFiguresView, QueryViewSet

router = SimpleRouter()
router.register("queries", QueryViewSet, basename="query")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("query-figures/", QueryFiguresView.as_view(), name="api-query-figures"),
    path(
        "queries/<int:query_pk>/attachments/<int:pk>/",
        AttachmentDownloadView.as_view(),
        name="api-query-attachment",
    ),
    *router.urls,
]
