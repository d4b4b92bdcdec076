from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ChoiceLabelField, FieldsBuiltOnce
from members.compiled import prefetched

from ..models import (
    Alert,
    Attachment,
    HandlingCode,
    InformationEvaluation,
    Priority,
    Query,
    QueryKind,
    QueryOutcome,
    QueryRecipient,
    Reply,
    RiskOutcome,
    SourceEvaluation,
)


class AttachmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return reverse("api-query-attachment", args=[obj.query_id, obj.pk])


class RecipientStateSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    member = serializers.CharField(source="member.code.code", read_only=True)
    control_units = serializers.SerializerMethodField()

    class Meta:
        model = QueryRecipient
        fields = [
            "member",
            "control_units",
            "state",
            "acknowledged_at",
            "answered_at",
            "outcome",
            "outcome_reason",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_control_units(self, obj) -> list[str]:
        return [unit.code for unit in obj.control_units.all()]


class ReplySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    member = serializers.CharField(source="member.code.code", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Reply
        fields = ["id", "member", "author", "body", "created_at", "attachments"]


class QuerySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A query as listed: its handling code and evaluation come first."""

    sender_member = serializers.CharField(source="sender_member.code.code", read_only=True)
    sender_unit = serializers.CharField(
        source="sender_unit.code", read_only=True, allow_null=True, default=None
    )
    recipients = serializers.SerializerMethodField()
    container_numbers = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True, default=False)
    is_unread = serializers.BooleanField(read_only=True, default=False)
    released_by = serializers.CharField(
        source="released_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Query
        fields = [
            "id",
            "reference",
            "handling_code",
            "handling_restrictions",
            "source_evaluation",
            "information_evaluation",
            "kind",
            "priority",
            "subject",
            "body",
            "sender_member",
            "sender_unit",
            "recipients",
            "container_numbers",
            "status",
            "created_at",
            "due_at",
            "closed_at",
            "outcome",
            "is_overdue",
            "is_unread",
            "release_state",
            "released_at",
            "released_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_recipients(self, obj) -> list[str]:
        if not obj.is_released:
            # Whom it will go to once released (only its author and releasers see it).
            return [r["member"] for r in obj.held_recipients]
        return [r.member.code.code for r in prefetched(obj, "recipients")]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_container_numbers(self, obj) -> list[str]:
        return [c.number for c in prefetched(obj, "containers")]


class QueryDetailSerializer(QuerySerializer):
    """One query with its consignment details, recipients' states, thread and attachments."""

    recipient_states = RecipientStateSerializer(source="recipients", many=True, read_only=True)
    replies = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    seizure_reports = serializers.SerializerMethodField()

    class Meta(QuerySerializer.Meta):
        fields = QuerySerializer.Meta.fields + [
            "outcome_note",
            "bill_of_lading_numbers",
            "air_waybill_numbers",
            "vessel_or_flight",
            "vessel_imo",
            "shipper",
            "consignee",
            "exclude_from_matching",
            "hs_codes",
            "route_countries",
            "expected_arrival",
            "recipient_states",
            "replies",
            "attachments",
            "seizure_reports",
            "release_note",
        ]
        read_only_fields = fields

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, obj):
        return ReplySerializer(self.context.get("thread", []), many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj):
        return AttachmentSerializer(self.context.get("attachments", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_seizure_reports(self, obj) -> list[int]:
        # Filled by the seizures app's query panel (``exchange.panels``); empty without it.
        panel = self.context.get("panels", {}).get("seizure_reports")
        return list(panel.ids) if panel else []


class QueryFileSerializer(serializers.Serializer):
    """What ``POST /api/v1/queries/`` accepts. Domain checks (check digits, recipients, rights)
    are the service's; its errors come back as a field-keyed 400."""

    kind = serializers.ChoiceField(choices=QueryKind.choices, default=QueryKind.REQUEST)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.ROUTINE)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices, default=HandlingCode.H0)
    handling_restrictions = serializers.CharField(required=False, allow_blank=True, default="")
    source_evaluation = serializers.ChoiceField(
        choices=SourceEvaluation.choices, default=SourceEvaluation.X
    )
    information_evaluation = serializers.ChoiceField(
        choices=InformationEvaluation.choices, default=InformationEvaluation.UNKNOWN
    )
    subject = serializers.CharField(allow_blank=True, max_length=200)
    body = serializers.CharField(allow_blank=True)
    sender_member = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    sender_unit = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    recipients = serializers.ListField(
        child=serializers.CharField(), allow_empty=True, help_text="Member country codes."
    )
    recipient_units = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    container_numbers = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    bill_of_lading_numbers = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    air_waybill_numbers = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    vessel_or_flight = serializers.CharField(required=False, allow_blank=True, default="")
    vessel_imo = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="IMO ship number, seven digits with its check digit (validated).",
    )
    shipper = serializers.CharField(required=False, allow_blank=True, default="")
    consignee = serializers.CharField(required=False, allow_blank=True, default="")
    exclude_from_matching = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Never disclose this query to other members through matching.",
    )
    hs_codes = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    route_countries = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    expected_arrival = serializers.DateTimeField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    hit = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of one of your hits this query follows up (“Ask <member>”).",
    )


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AcknowledgeSerializer(serializers.Serializer):
    member = serializers.CharField(
        required=False, help_text="Recipient member code, when you act for several."
    )


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=QueryOutcome.choices, default=QueryOutcome.RESOLVED)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RiskOutcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NotificationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    query = serializers.IntegerField(source="query_id", read_only=True, allow_null=True)
    hit = serializers.IntegerField(source="hit_id", read_only=True, allow_null=True)
    reference = serializers.CharField(source="query.reference", read_only=True)
    handling_code = serializers.CharField(source="query.handling_code", read_only=True)
    priority = serializers.CharField(source="query.priority", read_only=True)
    subject = serializers.CharField(source="query.subject", read_only=True)
    item_kind = serializers.CharField(source="release_kind", read_only=True)
    item = serializers.IntegerField(source="release_item_id", read_only=True, allow_null=True)
    item_reference = serializers.CharField(source="release_reference", read_only=True)
    event_label = ChoiceLabelField("event")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "event",
            "event_label",
            "query",
            "hit",
            "reference",
            "handling_code",
            "priority",
            "subject",
            "item_kind",
            "item",
            "item_reference",
            "note",
            "created_at",
            "sent_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class UnreadCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class MemberFiguresSerializer(serializers.Serializer):
    member = serializers.CharField()
    name = serializers.CharField()
    sent = serializers.IntegerField()
    sent_open = serializers.IntegerField()
    received = serializers.IntegerField()
    received_pending = serializers.IntegerField()
    received_overdue = serializers.IntegerField()
    mean_time_to_acknowledge = serializers.DurationField(allow_null=True)
    mean_time_to_answer = serializers.DurationField(allow_null=True)
    median_time_to_release = serializers.DurationField(allow_null=True)
