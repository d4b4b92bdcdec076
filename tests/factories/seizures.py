"""Factories of the seizures app."""

import datetime
from decimal import Decimal

import factory

from seizures.models import Commodity, Operation, SeizureReport, normalise_quantity
from seizures.totals import totals_add
from seizures.vocabulary import ensure_commodities

from .members import MemberFactory


def commodity(code: str) -> Commodity:
    """A commodity of the seed vocabulary (recreated if a transactional test flushed it)."""
    found = Commodity.objects.filter(code=code).first()
    if found is None:
        ensure_commodities()
        found = Commodity.objects.get(code=code)
    return found


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"operation-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    coordinating_member = factory.SubFactory(MemberFactory)
    starts_on = datetime.date(2022, 9, 1)
    ends_on = datetime.date(2022, 11, 30)
    target_categories = factory.LazyFunction(lambda: ["tobacco"])

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create:
            obj.participating_members.add(obj.coordinating_member, *(extracted or []))


class SeizureReportFactory(factory.django.DjangoModelFactory):
    """A report written straight to the table, normalised with the same unit table as the
    service. Pass ``commodity="heroin"`` (a code) or a Commodity."""

    class Meta:
        model = SeizureReport

    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    reporting_member = factory.SubFactory(MemberFactory)
    seized_on = datetime.date(2024, 3, 15)
    transport_mode = "sea-container"
    commodity = "heroin"
    quantity = Decimal("10")
    unit = "kg"
    origin_country = "AF"
    destination_country = "KZ"
    detection_method = "profiling"
    sharing = "network"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("commodity"), str):
            kwargs["commodity"] = commodity(kwargs["commodity"])
        quantity = Decimal(str(kwargs["quantity"]))
        quantity_base, dimension = normalise_quantity(quantity, kwargs["unit"])
        kwargs["quantity"] = quantity
        kwargs.setdefault("quantity_base", quantity_base)
        kwargs.setdefault("dimension", dimension)
        report = super()._create(model_class, *args, **kwargs)
        # Like every write path, keep the pre-aggregated totals exact.
        totals_add([report])
        return report
