"""API views of the seizures app: thin; the selectors and services do the work."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.pagination import KeysetPagination
from members.idempotency import idempotent

from .. import auditing, permissions, selectors, services
from ..filtersets import SeizureListFilterSet, SeizureStatsFilterSet
from ..models import Commodity
from .serializers import (
    CommoditySerializer,
    ImportResultSerializer,
    OperationSerializer,
    SeizureReportInputSerializer,
    SeizureReportSerializer,
    StatsSerializer,
)


def visible_query_ids(user, reports) -> set[int]:
    """Ids of the linked urgent queries the user may see, in one query for a page."""
    return permissions.visible_query_ids(user, (getattr(r, "query_id", None) for r in reports))


class SeizurePagination(KeysetPagination):
    """The reports' list order (latest seizure first), by cursor (``core.pagination``)."""

    ordering = selectors.SEIZURE_LIST_ORDERING


class SeizureReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Seizure reports: a member's users see all its reports, everyone in the network the
    reports shared with the network."""

    serializer_class = SeizureReportSerializer
    lookup_value_regex = r"\d+"
    filterset_class = SeizureListFilterSet
    pagination_class = SeizurePagination

    def get_queryset(self):
        return selectors.seizure_list(user=self.request.user)

    def get_object(self):
        # A detail is found by its id alone: the list's filters do not apply to it.
        report = selectors.seizure_get(user=self.request.user, pk=self.kwargs["pk"])
        if report is None:
            raise Http404
        return report

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_query_ids"] = getattr(self, "_visible_query_ids", set())
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._visible_query_ids = visible_query_ids(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        auditing.seizure_read_record(request=request, report=report)
        self._visible_query_ids = visible_query_ids(request.user, [report])
        return Response(self.get_serializer(report).data)

    @extend_schema(request=SeizureReportInputSerializer, responses={201: SeizureReportSerializer})
    def create(self, request, *args, **kwargs):
        incoming = SeizureReportInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {k: v for k, v in incoming.validated_data.items() if v is not None}
        alias = "member" not in data and "reporting_member" in data
        if alias:
            data["member"] = data.pop("reporting_member")
        try:
            report = services.seizure_report_create(user=request.user, data=data)
        except DjangoValidationError as error:
            detail = error.message_dict
            if alias and "member" in detail:
                detail["reporting_member"] = detail.pop("member")
            raise ValidationError(detail) from None
        report = selectors.seizure_get(user=request.user, pk=report.pk) or report
        self._visible_query_ids = visible_query_ids(request.user, [report])
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(filters=True, responses=StatsSerializer)
    @action(
        detail=False,
        methods=["get"],
        url_path="stats",
        filterset_class=SeizureStatsFilterSet,
        pagination_class=None,
    )
    def stats(self, request):
        """Counts and totals per base unit (kg, l, pieces), grouped by ``group_by``."""
        filters = SeizureStatsFilterSet(request.query_params, request=request)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        group_by = filters.grouping
        results = selectors.seizure_totals(user=request.user, filters=filters, group_by=group_by)
        return Response({"group_by": group_by, "results": results})

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: ImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    @idempotent
    def import_file(self, request):
        """Import a CSV or XLSX file: every row is checked first; all go in, or none (400 with
        each bad row, column and reason)."""
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Attach the CSV or XLSX file as the field 'file'.")]})
        try:
            # Checked before the file is read into memory; the service checks again.
            services.import_size_check(upload.size)
            notes: list[str] = []
            imported = services.seizures_import(
                user=request.user, content=upload.read(), filename=upload.name, notes=notes
            )
        except services.ImportRejected as rejected:
            return Response(
                {
                    "imported": 0,
                    "detail": rejected.summary,
                    "error_count": rejected.error_count,
                    "errors": rejected.row_errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        answer = {"imported": imported}
        if notes:  # e.g. the derived columns of an export, ignored
            answer["notes"] = notes
        return Response(answer, status=status.HTTP_201_CREATED)


class CommodityViewSet(viewsets.ReadOnlyModelViewSet):
    """The commodity vocabulary (codes for imports and filters)."""

    serializer_class = CommoditySerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        if not permissions.may_view_seizures(self.request.user):
            return Commodity.objects.none()
        return Commodity.objects.order_by("category", "name")


class OperationViewSet(viewsets.ReadOnlyModelViewSet):
    """Joint operations, and their results within what the viewer may see."""

    serializer_class = OperationSerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.operation_list(user=self.request.user)

    @action(detail=True, methods=["get"])
    def results(self, request, code=None):
        operation = self.get_object()
        if operation is None:
            raise Http404
        return Response(selectors.operation_results(user=request.user, operation=operation))
