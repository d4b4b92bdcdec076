"""``/api/v1/profiles/`` (list, create, read, change, delete, backtest, versions, restore),
``/api/v1/targeting/settings/`` (the member's random rate) and ``/api/v1/targeting/network/``
(the network admins' figures). Thin: parse, call a service or
selector, render. A profile outside the user's sight: 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import NumberedPagination

from .. import auditing, backtest, permissions, selectors, services
from ..models import ProfileLane, ProfileScope, RiskProfile
from .serializers import ProfileSerializer, VersionSerializer, profile_data


class ProfilePagination(NumberedPagination):
    page_size = 100


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return dict(request.data)


def list_filters(params) -> dict:
    """``scope``, ``lane`` and ``active`` from the query string; 400 naming a bad one."""
    filters, errors = {}, {}
    for name, choices in (("scope", ProfileScope), ("lane", ProfileLane)):
        value = params.get(name)
        if value in (None, ""):
            continue
        if value not in choices.values:
            errors[name] = [
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)}
            ]
        filters[name] = value
    active = params.get("active")
    if active not in (None, ""):
        flag = {"true": True, "1": True, "false": False, "0": False}.get(active.lower())
        if flag is None:
            errors["active"] = [_("Give true or false.")]
        filters["active"] = flag
    if errors:
        raise ValidationError(errors)
    return filters


class ProfileViewSet(viewsets.GenericViewSet):
    serializer_class = ProfileSerializer
    pagination_class = ProfilePagination
    queryset = RiskProfile.objects.none()

    def get_queryset(self):
        return selectors.profile_list(user=self.request.user)

    def _profile(self, pk) -> RiskProfile:
        try:
            return selectors.profile_get(user=self.request.user, pk=int(pk))
        except (ValueError, RiskProfile.DoesNotExist):
            raise Http404 from None

    def _writable(self, pk) -> RiskProfile:
        profile = self._profile(pk)
        if not permissions.may_write_profile(self.request.user, profile):
            raise PermissionDenied(
                _("Only the owning member's analysts and focal points may do this.")
            )
        return profile

    def list(self, request):
        """Profiles the user may see: their member's and every member's network profiles;
        ``?scope=``, ``?lane=``, ``?active=true|false``."""
        rows = selectors.profile_list(user=request.user, filters=list_filters(request.query_params))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([profile_data(p, request.user) for p in page])

    @extend_schema(request=None, responses={201: ProfileSerializer})
    def create(self, request):
        """A new profile: 201 with the profile, or 400 naming each bad field."""
        if not permissions.may_write_profiles(request.user):
            raise PermissionDenied(_("You may not write risk profiles."))
        profile = services.profile_create(user=request.user, data=_body(request))
        stats = selectors.profile_stats(profile)
        return Response(
            profile_data(profile, request.user, stats=stats), status=status.HTTP_201_CREATED
        )

    def retrieve(self, request, pk=None):
        """The profile with its ``stats``."""
        profile = self._profile(pk)
        auditing.profile_read_record(request=request, profile=profile)
        stats = selectors.profile_stats(profile)
        return Response(profile_data(profile, request.user, stats=stats))

    @extend_schema(request=None)
    def update(self, request, pk=None):
        """Change the fields given (the others keep their values); the previous version is
        kept."""
        profile = services.profile_update(
            user=request.user, profile=self._writable(pk), data=_body(request)
        )
        return Response(profile_data(profile, request.user, stats=selectors.profile_stats(profile)))

    partial_update = update

    def destroy(self, request, pk=None):
        services.profile_delete(user=request.user, profile=self._writable(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def backtest(self, request, pk=None):
        """Run the profile (active or not) over the member's incoming notices expected since
        ``{"since": "YYYY-MM-DD"}``: ``{"notices", "selected", "with_finding"}``."""
        profile = self._writable(pk)
        return Response(
            backtest.profile_backtest(user=request.user, profile=profile, data=_body(request))
        )

    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every version of the profile, newest first."""
        profile = self._profile(pk)
        rows = selectors.profile_versions(profile=profile)
        return Response(VersionSerializer(rows, many=True).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>\d+)/restore")
    def restore(self, request, pk=None, number=None):
        """Make an earlier version current again (as a new version)."""
        profile = services.profile_restore(
            user=request.user, profile=self._writable(pk), number=int(number)
        )
        return Response(profile_data(profile, request.user, stats=selectors.profile_stats(profile)))


class TargetingSettingsView(APIView):
    """``GET``/``PUT /api/v1/targeting/settings/``: ``{"member", "random_rate"}``; read by the
    member's analysts and focal points, set by its focal points. ``?member=KZ`` for someone
    acting for more than one member."""

    def _member(self, request):
        code = request.query_params.get("member") or (
            request.data.get("member") if isinstance(request.data, dict) else None
        )
        member = permissions.settings_member(request.user, code)
        if member is None:
            raise Http404
        return member

    def _answer(self, member):
        return {"member": str(member.code), "random_rate": services.random_rate_get(member=member)}

    @extend_schema(request=None, responses=None)
    def get(self, request):
        return Response(self._answer(self._member(request)))

    @extend_schema(request=None, responses=None)
    def put(self, request):
        member = self._member(request)
        services.random_rate_set(user=request.user, member=member, data=_body(request))
        return Response(self._answer(member))


class TargetingNetworkView(APIView):
    """``GET /api/v1/targeting/network/``, for network admins only: per member, the number of
    active profiles and what they selected, found and hit; for the network, the hit rates of
    profiles and of random selection. Counts and rates, never a profile or a criterion."""

    @extend_schema(request=None, responses=None)
    def get(self, request):
        if not permissions.may_view_network_figures(request.user):
            raise Http404
        return Response(selectors.network_figures())
