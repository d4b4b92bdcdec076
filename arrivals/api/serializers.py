"""The API's shape of a notice. The screening is only ever put in by the view, for the
receiving side."""

from rest_framework import serializers

from core.serializers import FieldsBuiltOnce

from ..models import ArrivalNotice


class NoticeSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    from_member = serializers.CharField(source="from_member.code.code", read_only=True)
    from_unit = serializers.CharField(source="from_unit.code", read_only=True, default=None)
    to_member = serializers.CharField(source="to_member.code.code", read_only=True)
    to_unit = serializers.CharField(source="to_unit.code", read_only=True, default=None)

    class Meta:
        model = ArrivalNotice
        fields = [
            "id",
            "reference",
            "status",
            "handling_code",
            "handling_restrictions",
            "source_evaluation",
            "information_evaluation",
            "mode",
            "vessel_imo",
            "conveyance",
            "transport_document",
            "transport_document_kind",
            "master_document",
            "place_of_loading",
            "place_of_discharge",
            "transit_countries",
            "departed_at",
            "expected_arrival",
            "shipper",
            "shipper_country",
            "consignee",
            "consignee_country",
            "notify_party",
            "containers",
            "goods",
            "from_member",
            "from_unit",
            "to_member",
            "to_unit",
            "remarks",
            "query",
            "arrived_at",
            "discrepancies",
            "outcome",
            "outcome_note",
            "seizure_report",
            "closed_at",
            "created_at",
            "release_state",
            "released_at",
        ]
        read_only_fields = fields


class NoticeFiledSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    release_state = serializers.CharField()
