from rest_framework.routers import SimpleRouter

from .views import ControlUnitViewSet, MemberViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="api-member")
router.register("control-units", ControlUnitViewSet, basename="api-control-unit")

urlpatterns = [
    *router.urls,
]
