from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import HitViewSet, IdentifierLookupView, WatchEntryViewSet

router = SimpleRouter()
router.register("hits", HitViewSet, basename="hit")
router.register("watchlist", WatchEntryViewSet, basename="watch-entry")

urlpatterns = [
    path("identifiers/lookup/", IdentifierLookupView.as_view(), name="api-identifier-lookup"),
    *router.urls,
]
