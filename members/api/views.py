from rest_framework import viewsets

from .. import permissions
from ..models import ControlUnit, MemberAdministration
from .filters import ControlUnitFilter, MemberFilter
from .serializers import ControlUnitSerializer, MemberSerializer


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


class ControlUnitViewSet(NetworkDirectoryMixin, viewsets.ReadOnlyModelViewSet):
    """Port, air cargo and land-border control units."""

    queryset = ControlUnit.objects.select_related("member").order_by("code")
    serializer_class = ControlUnitSerializer
    filterset_class = ControlUnitFilter
    lookup_field = "code"
