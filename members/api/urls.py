from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AuditEventViewSet,
    ControlUnitViewSet,
    MemberViewSet,
    ReleaseActionView,
    ReleaseQueueView,
)

router = SimpleRouter()
router.register("members", MemberViewSet, basename="api-member")
router.register("control-units", ControlUnitViewSet, basename="api-control-unit")
router.register("audit", AuditEventViewSet, basename="api-audit")

urlpatterns = [
    path("releases/", ReleaseQueueView.as_view(), name="api-releases"),
    path(
        "releases/<str:kind>/<int:item_id>/release/",
        ReleaseActionView.as_view(action_name="release"),
        name="api-release",
    ),
    path(
        "releases/<str:kind>/<int:item_id>/return/",
        ReleaseActionView.as_view(action_name="return"),
        name="api-return",
    ),
    *router.urls,
]
