from rest_framework.routers import SimpleRouter

from .views import ArrivalNoticeViewSet

router = SimpleRouter()
router.register("arrivals", ArrivalNoticeViewSet, basename="arrival")

urlpatterns = router.urls
