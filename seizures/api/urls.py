from rest_framework.routers import SimpleRouter

from .views import CommodityViewSet, OperationViewSet, SeizureReportViewSet

router = SimpleRouter()
# The list-level routes (stats/, import/) come before the detail route, whose ids are digits.
router.register("seizures", SeizureReportViewSet, basename="seizure")
router.register("commodities", CommodityViewSet, basename="commodity")
router.register("operations", OperationViewSet, basename="operation")

urlpatterns = router.urls
