"""API of cross-country matching: lookup (hit/no-hit on demand), hits, watchlist. Thin over
``matching.selectors`` and the services; outside the user's scope everything is a 404."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.identifiers import IdentifierKind, InvalidIdentifier
from core.pagination import KeysetPagination
from members import compiled
from members.models import MemberAdministration

from .. import auditing, selectors
from .. import hits as matching_hits
from .. import lists as matching_lists
from .. import permissions as rules
from ..models import Hit, HitState, WatchEntry


class QueryPagination(KeysetPagination):
    """Newest first, by cursor (``core.pagination``): any page costs what the first does."""

    ordering = ("-created_at", "-id")


ERRORS = {
    400: OpenApiResponse(description="Invalid input: the fields at fault and why."),
    404: OpenApiResponse(description="No such query, or not one you may see."),
}

# --- Serializers ---------------------------------------------------------------------------------


class HitRecordSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True, help_text="Only where you may see the record.")
    reference = serializers.CharField(
        allow_null=True, help_text="Only where you may see the record."
    )


class HitSerializer(serializers.Serializer):
    """A hit as the user may see it (see ``matching.selectors.hit_presentation``)."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=HitState.choices)
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField()
    record = HitRecordSerializer()
    holder = serializers.CharField(help_text="Code of the member holding the other record.")
    holder_record = HitRecordSerializer()
    month = serializers.CharField(help_text="YYYY-MM: when the holder's record was seen.")
    created_at = serializers.DateTimeField()
    follow_up_query = serializers.IntegerField(allow_null=True)
    common = serializers.BooleanField()
    dismiss_reason = serializers.CharField()

    def to_representation(self, instance):
        if isinstance(instance, Hit):
            instance = selectors.hit_presentation(instance, user=self.context["request"].user)
        return super().to_representation(instance)


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class HolderSerializer(serializers.Serializer):
    member = serializers.CharField()
    records = serializers.IntegerField()
    latest = serializers.CharField(help_text="YYYY-MM")


class VisibleRecordSerializer(serializers.Serializer):
    member = serializers.CharField()
    record_type = serializers.CharField()
    record_id = serializers.IntegerField()
    reference = serializers.CharField()
    month = serializers.CharField()


class LookupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField()
    holders = HolderSerializer(many=True, read_only=True)
    visible = VisibleRecordSerializer(many=True, read_only=True)


class WatchEntrySerializer(serializers.ModelSerializer):
    member = serializers.CharField(
        source="member.code.code",
        required=False,
        help_text="Member code; may be left out by people of one member.",
    )
    value = serializers.CharField(max_length=200, help_text="As entered; stored normalised.")

    class Meta:
        model = WatchEntry
        fields = ["id", "member", "kind", "value", "display", "note", "expires_on", "created_at"]
        read_only_fields = ["id", "display", "created_at"]


# --- Views ---------------------------------------------------------------------------------------


class IdentifierLookupView(APIView):
    """Hit/no-hit: which other members hold a record with this identifier."""

    @extend_schema(
        summary="Look an identifier up across the network",
        parameters=[
            OpenApiParameter("kind", enum=IdentifierKind.values, required=True),
            OpenApiParameter("value", str, required=True),
        ],
        responses={200: LookupSerializer, **ERRORS},
    )
    def get(self, request):
        if not rules.may_use_matching(request.user):
            raise Http404
        given = LookupSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        try:
            answer = selectors.identifiers_lookup(user=request.user, **given.validated_data)
        except InvalidIdentifier:
            raise serializers.ValidationError(
                {"value": [_("This is not a valid identifier of that kind.")]}
            ) from None
        auditing.identifier_lookup_record(request=request, answer=answer)
        return Response(LookupSerializer(answer).data)


class HitFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=HitState.choices)
    kind = django_filters.ChoiceFilter(choices=IdentifierKind.choices)

    class Meta:
        model = Hit
        fields = ["state", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Your member's hits"),
    retrieve=extend_schema(summary="One hit", responses={200: HitSerializer, 404: ERRORS[404]}),
)
class HitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Hits: another member holds a record with the same identifier."""

    serializer_class = HitSerializer
    filterset_class = HitFilter
    pagination_class = QueryPagination
    lookup_value_regex = r"\d+"
    queryset = Hit.objects.none()  # for the schema; get_queryset is what counts

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        # A list sets the open flags on its page's rows (``paginate_queryset``).
        return selectors.hits_for(user=self.request.user, open_flags=self.action != "list")

    def list(self, request, *args, **kwargs):
        # No docstring: the API schema would show it as the list's description.
        # Built from the user, their rights and the ``state`` and ``kind`` filters alone (no
        # clock): the first page is read compiled (``members.compiled.first_page``).
        def flagged(rows):
            selectors.hits_open_attach(request.user, rows)
            return rows

        response = compiled.first_page(self, request, "matching.hits", then=flagged)
        return response or super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.hits_open_attach(self.request.user, page)
        return page

    def paginated_count(self, queryset) -> int:
        """The first page's ``count``: the list is built from the user, their rights and the
        ``state`` and ``kind`` filters alone (no clock), so its count is compiled once for
        them."""
        return compiled.list_count(
            request=self.request, name="matching.hits", build=lambda: queryset
        )

    @extend_schema(
        summary="Dismiss a hit (with a reason)",
        request=DismissSerializer,
        responses={200: HitSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        hit = self.get_object()
        given = DismissSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        hit = matching_hits.hit_dismiss(
            hit=hit, user=request.user, reason=given.validated_data["reason"]
        )
        return Response(self.get_serializer(hit).data)

    @extend_schema(
        summary="Mark a hit seen", request=None, responses={200: HitSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def seen(self, request, pk=None):
        hit = matching_hits.hit_mark_seen(hit=self.get_object(), user=request.user)
        return Response(self.get_serializer(hit).data)


@extend_schema_view(
    list=extend_schema(summary="Your member's watch entries"),
    create=extend_schema(summary="Watch an identifier", responses={201: WatchEntrySerializer}),
    destroy=extend_schema(summary="Stop watching", responses={204: None, 404: ERRORS[404]}),
)
class WatchEntryViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Identifiers your member watches: a later record anywhere in the network carrying one
    raises a hit."""

    serializer_class = WatchEntrySerializer
    pagination_class = QueryPagination
    lookup_value_regex = r"\d+"
    queryset = WatchEntry.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.watch_entries(user=self.request.user)

    def create(self, request, *args, **kwargs):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        member_id = None
        code = (data.pop("member", None) or {}).get("code", {}).get("code")
        if code:
            member = MemberAdministration.objects.filter(code=code.strip().upper()).first()
            if member is None:
                raise serializers.ValidationError({"member": ["Unknown member."]})
            member_id = member.pk
        entry = matching_lists.watch_entry_create(user=request.user, member_id=member_id, **data)
        entry = selectors.watch_entries(user=request.user).get(pk=entry.pk)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        matching_lists.watch_entry_delete(user=self.request.user, entry=instance)
