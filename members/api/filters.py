import django_filters

from ..models import ControlUnit, ControlUnitKind, MemberAdministration, MemberStatus


class UpperCharFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


class MemberFilter(django_filters.FilterSet):
    code = UpperCharFilter(field_name="code")
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)

    class Meta:
        model = MemberAdministration
        fields = ["code", "status"]


class ControlUnitFilter(django_filters.FilterSet):
    member = UpperCharFilter(field_name="member__code", label="member (country code)")
    kind = django_filters.ChoiceFilter(choices=ControlUnitKind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = ControlUnit
        fields = ["member", "kind", "active"]
