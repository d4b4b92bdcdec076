from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ProfileViewSet, TargetingNetworkView, TargetingSettingsView

router = SimpleRouter()
router.register("profiles", ProfileViewSet, basename="profile")

urlpatterns = [
    *router.urls,
    path("targeting/settings/", TargetingSettingsView.as_view(), name="targeting-settings"),
    path("targeting/network/", TargetingNetworkView.as_view(), name="targeting-network"),
]
