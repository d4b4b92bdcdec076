"""API views of the seizures app: thin; the selectors and services do the work."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from members import permissions
from members.idempotency import idempotent

from .. import selectors, services
from ..forms import SeizureFilterForm, StatsForm
from ..models import Commodity
from .serializers import (
    CommoditySerializer,
    ImportResultSerializer,
    OperationSerializer,
    SeizureReportInputSerializer,
    SeizureReportSerializer,
    StatsSerializer,
)

FILTER_PARAMETERS = [
    OpenApiParameter("from", str, description="First day (YYYY-MM-DD)."),
    OpenApiParameter("to", str, description="Last day (YYYY-MM-DD)."),
    OpenApiParameter("member", str, description="Reporting member (alpha-2)."),
    OpenApiParameter("category", str, description="Commodity category code."),
    OpenApiParameter("commodity", str, description="Commodity code."),
    OpenApiParameter("operation", str, description="Operation code."),
    OpenApiParameter("transport_mode", str, description="Transport mode code."),
]


def _filters(form_class, params):
    form = form_class(params)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form


def visible_query_ids(user, reports) -> set[int]:
    """Ids of the linked urgent queries the user may see, in one query for a page."""
    ids = {r.query_id for r in reports if getattr(r, "query_id", None)}
    if not ids:
        return set()
    return set(permissions.restrict_queries(user).filter(pk__in=ids).values_list("pk", flat=True))


class SeizureReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Seizure reports: a member's users see all its reports, everyone in the network the
    reports shared with the network."""

    serializer_class = SeizureReportSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    def get_queryset(self):
        filters = None
        if self.action == "list":
            filters = _filters(SeizureFilterForm, self.request.query_params).filters()
        return selectors.seizure_list(user=self.request.user, filters=filters)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_query_ids"] = getattr(self, "_visible_query_ids", set())
        return context

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        self._visible_query_ids = visible_query_ids(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_by", str, enum=selectors.GROUP_BY_CHOICES, description="Grouping."
            ),
            *FILTER_PARAMETERS,
        ],
        responses=StatsSerializer,
    )
    @action(detail=False, methods=["get"], url_path="stats")
    def stats(self, request):
        """Counts and totals per base unit (kg, l, pieces), grouped by ``group_by``."""
        form = _filters(StatsForm, request.query_params)
        group_by = form.cleaned_data["group_by"]
        results = selectors.seizure_totals(
            user=request.user, filters=form.filters(), group_by=group_by
        )
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
            raise ValidationError({"file": ["Attach the CSV or XLSX file as the field 'file'."]})
        try:
            imported = services.seizures_import(
                user=request.user, content=upload.read(), filename=upload.name
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
        return Response({"imported": imported}, status=status.HTTP_201_CREATED)


class CommodityViewSet(viewsets.ReadOnlyModelViewSet):
    """The commodity vocabulary (codes for imports and filters)."""

    serializer_class = CommoditySerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        if not permissions.is_network_user(self.request.user):
            return Commodity.objects.none()
        return Commodity.objects.order_by("category", "name")


class OperationViewSet(viewsets.ReadOnlyModelViewSet):
    """Joint operations, and their results within what the viewer may see."""

    serializer_class = OperationSerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        if not permissions.is_network_user(self.request.user):
            return selectors.operation_list().none()
        return selectors.operation_list()

    @action(detail=True, methods=["get"])
    def results(self, request, code=None):
        operation = self.get_object()
        if operation is None:
            raise Http404
        return Response(selectors.operation_results(user=request.user, operation=operation))
