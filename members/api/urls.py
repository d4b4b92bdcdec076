from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from .views import ControlUnitViewSet, MemberViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="api-member")
router.register("control-units", ControlUnitViewSet, basename="api-control-unit")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
]
