"""API of the exchange app: thin over selectors (reads, restricted by the permission module)
and services (writes). Outside the user's scope everything is a 404."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts import outbox
from core.pagination import KeysetPagination
from matching import selectors as matching_selectors
from members import compiled
from members.idempotency import idempotent
from members.permissions import may_view_network_figures

from .. import auditing, downloads, panels, selectors, services
from ..drafts import QueryDraft
from ..filtersets import QueryFilterSet
from ..models import Alert, Query
from .filters import NotificationFilter
from .serializers import (
    AcknowledgeSerializer,
    CloseSerializer,
    MemberFiguresSerializer,
    NotificationSerializer,
    OutcomeSerializer,
    QueryDetailSerializer,
    QueryFileSerializer,
    QuerySerializer,
    ReplyCreateSerializer,
    ReplySerializer,
    UnreadCountSerializer,
)


class QueryPagination(KeysetPagination):
    """Newest first, by cursor (``core.pagination``): any page costs what the first does."""

    ordering = ("-created_at", "-id")


ERRORS = {
    400: OpenApiResponse(description="Invalid input: the fields at fault and why."),
    404: OpenApiResponse(description="No such query, or not one you may see."),
}
CLOSED = {409: OpenApiResponse(description="The query is closed.")}
NOT_PARTY = {403: OpenApiResponse(description="You may see the query but not act this way.")}


@extend_schema_view(
    list=extend_schema(summary="Queries you may see", responses={200: QuerySerializer(many=True)}),
    retrieve=extend_schema(
        summary="One query with its thread", responses={200: QueryDetailSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="File a query",
        request=QueryFileSerializer,
        responses={201: QueryDetailSerializer, 400: ERRORS[400]},
    ),
)
class QueryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Urgent queries: requests and risk alerts between members."""

    serializer_class = QuerySerializer
    filterset_class = QueryFilterSet
    pagination_class = QueryPagination
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Query.objects.none()  # for the schema; get_queryset is what counts

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.query_list(user=self.request.user)

    #: Filters built from their values alone (no clock, no sort, no free text): a first page
    #: with no others is read compiled (``members.compiled.first_page``).
    COMPILED_FILTERS = frozenset(
        {"page_size", "box", "priority", "kind", "country", "counterpart", "counterpart_member"}
        | {"unread"}
    )

    def list(self, request, *args, **kwargs):
        # No docstring: the API schema would show it as the list's description.
        if set(request.query_params) <= self.COMPILED_FILTERS:
            response = compiled.first_page(
                self, request, "exchange.queries", then=selectors.query_list_prefetch
            )
            if response is not None:
                return response
        return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        """The page, with its queries' recipients and containers (``query_list_prefetch``)."""
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.query_list_prefetch(list(page))

    def get_serializer_class(self):
        if self.action == "create":
            return QueryFileSerializer
        if self.action == "retrieve":
            return QueryDetailSerializer
        return QuerySerializer

    def get_object(self):
        try:
            return selectors.query_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except (Query.DoesNotExist, ValueError):
            raise Http404 from None

    def _detail(self, query, status_code=status.HTTP_200_OK):
        query = selectors.query_get(user=self.request.user, pk=query.pk)
        context = {
            "request": self.request,
            "thread": selectors.query_thread(query=query),
            "attachments": [a for a in selectors.query_attachments(query=query) if not a.reply_id],
            "panels": panels.query_panels(user=self.request.user, query=query),
        }
        return Response(QueryDetailSerializer(query, context=context).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        query = self.get_object()
        auditing.query_read_record(request=request, query=query)
        return self._detail(query)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = QueryFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = dict(serializer.validated_data)
        hit_id = arguments.pop("hit", None)
        hit = None
        if hit_id is not None:
            hit = matching_selectors.hits_for(user=request.user).filter(pk=hit_id).first()
            if hit is None:
                message = _("No hit %(id)s of yours.") % {"id": hit_id}
                raise exceptions.ValidationError({"hit": [message]})
        query = services.query_file(
            author=request.user, draft=QueryDraft.from_data(arguments), asks_about=hit
        )
        return self._detail(query, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Acknowledge receipt (as a recipient)",
        request=AcknowledgeSerializer,
        responses={200: QueryDetailSerializer, **ERRORS, **CLOSED, **NOT_PARTY},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        query = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.query_acknowledge(
            query=query,
            user=request.user,
            member_code=serializer.validated_data.get("member"),
        )
        return self._detail(query)

    @extend_schema(
        methods=["post"],
        summary="Reply in the thread",
        request=ReplyCreateSerializer,
        responses={201: ReplySerializer, **ERRORS, **CLOSED, **NOT_PARTY},
    )
    @extend_schema(
        methods=["get"], summary="The thread", responses={200: ReplySerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    @idempotent
    def replies(self, request, pk=None):
        query = self.get_object()
        if request.method == "GET":
            return Response(ReplySerializer(selectors.query_thread(query=query), many=True).data)
        serializer = ReplyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = services.query_reply(query=query, user=request.user, **serializer.validated_data)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close the query with an outcome (as the sender)",
        request=CloseSerializer,
        responses={200: QueryDetailSerializer, **ERRORS, **CLOSED, **NOT_PARTY},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        query = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.query_close(query=query, user=request.user, **serializer.validated_data)
        return self._detail(query)

    @extend_schema(
        summary="Report what came of a risk alert (as a recipient)",
        request=OutcomeSerializer,
        responses={200: QueryDetailSerializer, **ERRORS, **CLOSED, **NOT_PARTY},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        query = self.get_object()
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.query_report_outcome(
            query=query,
            user=request.user,
            **serializer.validated_data,
        )
        return self._detail(query)


class AttachmentDownloadView(APIView):
    """Stream one attachment of a query you may see."""

    @extend_schema(
        summary="Download an attachment",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file."),
            404: ERRORS[404],
        },
    )
    def get(self, request, query_pk, pk):
        return downloads.attachment_response(request, query_pk=query_pk, pk=pk)


@extend_schema_view(
    list=extend_schema(summary="Your in-portal notifications (?unread=true for the bell)")
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your in-portal notifications about urgent queries."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = QueryPagination
    lookup_value_regex = r"\d+"
    queryset = Alert.objects.none()  # for the schema; get_queryset is what counts

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        # The serializer reads the query's fields only (the other joins serve the browser's
        # page): fewer columns to compile and fewer objects to build per row.
        return (
            selectors.notifications(user=self.request.user)
            .select_related(None)
            .select_related("query")
        )

    def list(self, request, *args, **kwargs):
        # No docstring: the API schema would show it as the list's description.
        # The list is built from the user, their rights and the ``unread`` filter alone (no
        # clock), so its first page is read compiled (``members.compiled.first_page``).
        response = compiled.first_page(self, request, "exchange.notifications")
        return response or super().list(request, *args, **kwargs)

    @extend_schema(
        summary="How many of your notifications are unread (the bell's number)",
        responses={200: UnreadCountSerializer},
    )
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"count": selectors.unread_count(user=request.user)})

    @extend_schema(
        summary="Mark a notification read",
        request=None,
        responses={200: NotificationSerializer, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        outbox.notifications_mark_read(user=request.user, alert_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class QueryFiguresView(APIView):
    """Network admins: per member, counts and response times of urgent queries (no content)."""

    @extend_schema(
        summary="Network figures on urgent queries",
        responses={200: MemberFiguresSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request):
        if not may_view_network_figures(request.user):
            raise Http404
        figures = selectors.network_figures(user=request.user)
        return Response(MemberFiguresSerializer(figures, many=True).data)
