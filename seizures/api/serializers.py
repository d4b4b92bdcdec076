"""API serializers of the seizures app: codes in and out, labels alongside."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ChoiceLabelField

from ..models import Commodity, Operation, SeizureReport


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.Field):
    """A related object shown by its code (``None`` when absent)."""

    def __init__(self, attribute="code", **kwargs):
        self.attribute = attribute
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return str(getattr(value, self.attribute))


class CommoditySerializer(serializers.ModelSerializer):
    category_label = ChoiceLabelField("category")
    dimensions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Commodity
        fields = ["code", "name", "name_ru", "category", "category_label", "dimensions", "active"]
        read_only_fields = ["name_ru"]


class SeizureReportSerializer(serializers.ModelSerializer):
    reporting_member = CodeField()
    control_unit = CodeField()
    commodity = CodeField()
    commodity_name = serializers.CharField(source="commodity.display_name", read_only=True)
    category = serializers.CharField(source="commodity.category", read_only=True)
    operation = CodeField()
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, coerce_to_string=False)
    quantity_base = serializers.DecimalField(
        max_digits=24, decimal_places=9, coerce_to_string=False
    )
    base_unit = serializers.CharField(read_only=True)
    estimated_value_usd = serializers.DecimalField(
        max_digits=15, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    revenue_recovered_usd = serializers.DecimalField(
        max_digits=15, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    origin_country = serializers.SerializerMethodField()
    destination_country = serializers.SerializerMethodField()
    transit_countries = serializers.SerializerMethodField()
    query = serializers.SerializerMethodField()

    class Meta:
        model = SeizureReport
        fields = [
            "id",
            "reference",
            "reporting_member",
            "control_unit",
            "seized_on",
            "transport_mode",
            "container_number",
            "vessel_or_flight",
            "vehicle",
            "bill_of_lading",
            "air_waybill",
            "vessel_imo",
            "shipper",
            "consignee",
            "exclude_from_matching",
            "commodity",
            "commodity_name",
            "category",
            "quantity",
            "unit",
            "quantity_base",
            "base_unit",
            "estimated_value_usd",
            "concealment",
            "detection_method",
            "origin_country",
            "transit_countries",
            "destination_country",
            "persons_detained",
            "revenue_recovered_usd",
            "query",
            "operation",
            "sharing",
            "notes",
            "created_at",
            "release_state",
            "released_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_origin_country(self, obj):
        return obj.origin_country.code or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_destination_country(self, obj):
        return obj.destination_country.code or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_transit_countries(self, obj):
        return [c.code for c in obj.transit_countries]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_query(self, obj):
        """The linked urgent query, only if the viewer may see it (ids computed by the view
        through ``restrict_queries``)."""
        query_id = getattr(obj, "query_id", None)
        if query_id is None or query_id not in self.context.get("visible_query_ids", ()):
            return None
        return query_id


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TransitCountriesField(serializers.Field):
    """A list of alpha-2 codes, or one string of codes separated by commas."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return data
        raise serializers.ValidationError("Give a list of ISO 3166-1 alpha-2 codes.")

    def to_representation(self, value):
        return value


class SeizureReportInputSerializer(serializers.Serializer):
    """What a client may send; the service checks every value, as for an imported row."""

    reference = serializers.CharField(required=False, allow_blank=True)
    member = serializers.CharField(
        required=False, allow_blank=True, help_text="Reporting member (alpha-2)."
    )
    reporting_member = serializers.CharField(
        required=False, allow_blank=True, help_text="Alias of member."
    )
    control_unit = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    seized_on = serializers.CharField(required=False, allow_blank=True)
    transport_mode = serializers.CharField(required=False, allow_blank=True)
    container_number = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    vessel_or_flight = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    vehicle = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    bill_of_lading = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    air_waybill = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="E.g. 176-12345675."
    )
    vessel_imo = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="IMO ship number, seven digits with its check digit (validated).",
    )
    shipper = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    consignee = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    exclude_from_matching = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Never disclose this report to other members through matching.",
    )
    commodity = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True)
    estimated_value_usd = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    concealment = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    detection_method = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    origin_country = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    transit_countries = TransitCountriesField(required=False, allow_null=True)
    destination_country = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    persons_detained = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    revenue_recovered_usd = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    query = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    operation = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    sharing = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class StatsRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.FloatField())


class StatsSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    results = StatsRowSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class OperationSerializer(serializers.ModelSerializer):
    coordinating_member = CodeField()
    participating_members = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = [
            "code",
            "name",
            "coordinating_member",
            "participating_members",
            "starts_on",
            "ends_on",
            "target_categories",
            "description",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_participating_members(self, obj):
        return sorted(str(m.code) for m in obj.participating_members.all())
