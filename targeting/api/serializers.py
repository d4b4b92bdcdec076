"""The API's shape of a profile, a version and the random rate (rendering only: every check of
input is ``targeting.validation``'s)."""

from __future__ import annotations

from rest_framework import serializers

from .. import permissions
from ..alerting import profile_reference
from ..models import RiskProfile, RiskProfileVersion

STATS_FIELDS = ("selected", "examined", "findings", "seizures", "hit_rate", "lift")


class ProfileSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.code.code", read_only=True)

    class Meta:
        model = RiskProfile
        fields = [
            "id",
            "member",
            "name",
            "description",
            "scope",
            "lane",
            "modes",
            "criteria",
            "active",
            "valid_from",
            "valid_until",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer):
    written_by = serializers.CharField(source="written_by.username", read_only=True)

    class Meta:
        model = RiskProfileVersion
        fields = ["number", "change", "written_by", "written_at", "state"]
        read_only_fields = fields


def profile_data(profile: RiskProfile, user, *, stats: dict | None = None) -> dict:
    """The profile as the API gives it; ``stats`` on the detail."""
    data = ProfileSerializer(profile).data
    data["reference"] = profile_reference(profile.pk)
    data["may_edit"] = permissions.may_write_profile(user, profile)
    if stats is not None:
        data["stats"] = {name: stats[name] for name in STATS_FIELDS}
    return data
