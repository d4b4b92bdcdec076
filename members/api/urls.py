from rest_framework.routers import SimpleRouter

from .views import AuditEventViewSet, ControlUnitViewSet, MemberViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="api-member")
router.register("control-units", ControlUnitViewSet, basename="api-control-unit")
router.register("audit", AuditEventViewSet, basename="api-audit")

urlpatterns = [
    *router.urls,
]
