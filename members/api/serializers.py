from rest_framework import serializers

from ..models import AuditEvent, ControlUnit, MemberAdministration


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


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username", read_only=True)
    actor_member = serializers.SerializerMethodField()
    members = serializers.ListField(
        source="member_codes", child=serializers.CharField(), read_only=True
    )
    # Null for a network admin reading a content event
    # (members.audit_permissions.audit_event_redactor).
    object_reference = serializers.CharField(read_only=True, allow_null=True)
    detail = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_member",
            "action",
            "object_type",
            "object_id",
            "object_reference",
            "members",
            "ip",
            "request_id",
            "detail",
        ]

    def get_actor_member(self, event) -> str | None:
        return event.actor_member.code.code if event.actor_member else None


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="Why (optional)."
    )


class ReleasePolicySerializer(serializers.Serializer):
    """A member's release policy: which kinds of item, under which handling codes, await a
    second person's release. Empty lists: nothing is held."""

    kinds = serializers.ListField(child=serializers.CharField(max_length=16), max_length=10)
    handling_codes = serializers.ListField(child=serializers.CharField(max_length=2), max_length=10)


class HeldItemSerializer(serializers.Serializer):
    """One item awaiting the user's release."""

    kind = serializers.CharField()
    id = serializers.IntegerField()
    reference = serializers.CharField()
    author = serializers.CharField()
    handling_code = serializers.CharField()
    priority = serializers.CharField()
    created_at = serializers.DateTimeField()
    waiting_seconds = serializers.IntegerField()
    release_state = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, trim_whitespace=True)


class ReleaseStateSerializer(serializers.Serializer):
    release_state = serializers.CharField()
