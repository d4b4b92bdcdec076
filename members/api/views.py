from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import audit_permissions, permissions, releases, selectors, services
from ..models import AuditEvent, ControlUnit, MemberAdministration, ReleaseState
from .filters import AuditEventFilter, ControlUnitFilter, MemberFilter
from .serializers import (
    AuditEventSerializer,
    ControlUnitSerializer,
    HeldItemSerializer,
    MemberSerializer,
    ReleasePolicySerializer,
    ReleaseStateSerializer,
    ReturnSerializer,
    SuspendSerializer,
)


class NetworkDirectoryMixin:
    """The directory is open to everyone in the network, closed to everyone else."""

    def get_queryset(self):
        if not permissions.is_network_user(self.request.user):
            return self.queryset.none()
        return self.queryset

    def get_object(self):
        # Codes are upper case (KZ, KZ-ALA-ACCU); /members/kz/ finds KZ too.
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class MemberViewSet(NetworkDirectoryMixin, viewsets.ReadOnlyModelViewSet):
    """Member administrations of the network."""

    queryset = MemberAdministration.objects.order_by("code")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    lookup_field = "code"

    def _suspendable(self):
        # Network admins only; for anyone else the action does not exist (404).
        if not permissions.may_suspend_members(self.request.user):
            raise Http404
        return self.get_object()

    @extend_schema(request=SuspendSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, code=None):
        """Suspend the member (network admins): its people can no longer sign in or use
        their tokens, nobody can address a query to it, no alert goes to it."""
        member = self._suspendable()
        serializer = SuspendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_suspend(
            member=member, reason=serializer.validated_data.get("reason", ""), by=request.user
        )
        return Response(MemberSerializer(member).data)

    @extend_schema(request=None, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, code=None):
        """Lift the member's suspension (network admins)."""
        member = services.member_reinstate(member=self._suspendable(), by=request.user)
        return Response(MemberSerializer(member).data)

    @extend_schema(
        methods=["get"], summary="The member's release policy", responses=ReleasePolicySerializer
    )
    @extend_schema(
        methods=["put"],
        summary="Set the member's release policy (its own member admins)",
        request=ReleasePolicySerializer,
        responses=ReleasePolicySerializer,
    )
    @action(detail=True, methods=["get", "put"], url_path="release-policy")
    def release_policy(self, request, code=None):
        """Which kinds of item, under which handling codes, need a second person's release
        before they leave the country. Only the member's own admins read or change it; for
        everyone else it does not exist (404)."""
        member = self.get_object()
        if not permissions.may_manage_release_policy(request.user, member):
            raise Http404
        if request.method == "GET":
            return Response(releases.release_policy_get(member=member))
        serializer = ReleasePolicySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = releases.release_policy_set(
            member=member, actor=request.user, **serializer.validated_data
        )
        return Response(policy)


class ControlUnitViewSet(NetworkDirectoryMixin, viewsets.ReadOnlyModelViewSet):
    """Port, air cargo and land-border control units."""

    queryset = ControlUnit.objects.select_related("member").order_by("code")
    serializer_class = ControlUnitSerializer
    filterset_class = ControlUnitFilter
    lookup_field = "code"


class AuditPagination(CursorPagination):
    """Newest first, by id; no COUNT over the whole trail (results / next / previous)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    list=extend_schema(summary="Audit events you may see (member and network admins)")
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail: who did what to which record. 404 for anyone but admins."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    pagination_class = AuditPagination
    queryset = AuditEvent.objects.none()  # for the schema; get_queryset is what counts

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.audit_event_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        if not audit_permissions.may_view_audit(request.user):
            raise Http404
        return super().list(request, *args, **kwargs)


class ReleaseQueueView(APIView):
    """What awaits your release (focal points and people given the ``release`` right)."""

    @extend_schema(summary="Items awaiting your release", responses=HeldItemSerializer(many=True))
    def get(self, request):
        items = releases.releases_awaiting(user=request.user)
        return Response(HeldItemSerializer(items, many=True).data)


class ReleaseActionView(APIView):
    """Release an item (it goes out as if just filed) or return it to its author with a
    note. Its author, or anyone who is not a releaser of its member, changes nothing: 403 for
    the author and a colleague who sees it, 404 for everyone who does not."""

    action_name = "release"

    @extend_schema(request=ReturnSerializer, responses=ReleaseStateSerializer)
    def post(self, request, kind: str, item_id: int):
        if self.action_name == "release":
            releases.item_release(user=request.user, kind=kind, item_id=item_id)
            return Response({"release_state": ReleaseState.RELEASED})
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        releases.item_return(
            user=request.user, kind=kind, item_id=item_id, note=serializer.validated_data["note"]
        )
        return Response({"release_state": ReleaseState.RETURNED})
