from rest_framework import serializers

from ..models import ControlUnit, MemberAdministration


class MemberSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="code.code", read_only=True)

    class Meta:
        model = MemberAdministration
        fields = ["code", "name", "administration", "status", "joined_on"]


class ControlUnitSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.code.code", read_only=True)

    class Meta:
        model = ControlUnit
        fields = ["code", "name", "member", "kind", "city", "locode", "active"]


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="Why (optional)."
    )
