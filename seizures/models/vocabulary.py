"""The seizure vocabularies: categories, units and their normalisation, transport modes,
detection methods, sharing, and the commodity vocabulary kept by network admins."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from members.models import localized_name


class Category(models.TextChoices):
    NARCOTICS = "narcotics", _("Narcotics")
    PSYCHOTROPICS = "psychotropics", _("Psychotropic substances")
    PRECURSORS = "precursors", _("Precursors")
    TOBACCO = "tobacco", _("Tobacco")
    ALCOHOL = "alcohol", _("Alcohol")
    CITES = "cites", _("CITES species")
    IPR = "ipr", _("IPR infringing goods")
    STRATEGIC_GOODS = "strategic-goods", _("Strategic goods")
    METALS_MINERALS = "metals-minerals", _("Metals and minerals")
    CONSUMER_GOODS = "consumer-goods", _("Consumer goods")
    CURRENCY = "currency", _("Currency")
    WEAPONS = "weapons", _("Weapons")
    OTHER = "other", _("Other")


class Dimension(models.TextChoices):
    MASS = "mass", _("Mass")
    VOLUME = "volume", _("Volume")
    COUNT = "count", _("Count")


class Unit(models.TextChoices):
    MG = "mg", _("milligrams")
    G = "g", _("grams")
    KG = "kg", _("kilograms")
    T = "t", _("tonnes")
    ML = "ml", _("millilitres")
    L = "l", _("litres")
    PIECES = "pieces", _("pieces")
    PILLS = "pills", _("pills")
    AMPOULES = "ampoules", _("ampoules")


#: unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, Decimal]] = {
    Unit.MG: (Dimension.MASS, Decimal("0.000001")),
    Unit.G: (Dimension.MASS, Decimal("0.001")),
    Unit.KG: (Dimension.MASS, Decimal("1")),
    Unit.T: (Dimension.MASS, Decimal("1000")),
    Unit.ML: (Dimension.VOLUME, Decimal("0.001")),
    Unit.L: (Dimension.VOLUME, Decimal("1")),
    Unit.PIECES: (Dimension.COUNT, Decimal("1")),
    Unit.PILLS: (Dimension.COUNT, Decimal("1")),
    Unit.AMPOULES: (Dimension.COUNT, Decimal("1")),
}

#: Places kept by ``quantity_base`` (its decimal_places).
_BASE_PLACES = Decimal("0.000000001")


def normalise_quantity(quantity: Decimal, unit: str) -> tuple[Decimal, str]:
    """The one conversion of a reported quantity to its dimension's base unit (kg, l or
    pieces): returns (quantity in the base unit, dimension)."""
    dimension, factor = UNITS[unit]
    return (quantity * factor).quantize(_BASE_PLACES), str(dimension)


#: dimension -> the base unit its totals are given in
BASE_UNITS: dict[str, str] = {
    Dimension.MASS: "kg",
    Dimension.VOLUME: "l",
    Dimension.COUNT: "pieces",
}


class TransportMode(models.TextChoices):
    SEA_CONTAINER = "sea-container", _("Sea container")
    AIR_CARGO = "air-cargo", _("Air cargo")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    POSTAL = "postal", _("Postal")
    PASSENGER = "passenger", _("Passenger")


class DetectionMethod(models.TextChoices):
    PROFILING = "profiling", _("Profiling")
    PRE_ARRIVAL = "pre-arrival", _("Pre-arrival information")
    X_RAY = "x-ray", _("X-ray")
    CANINE = "canine", _("Canine")
    INTELLIGENCE = "intelligence", _("Intelligence")
    RANDOM = "random", _("Random check")


class Sharing(models.TextChoices):
    NATIONAL = "national", _("National (own member only)")
    NETWORK = "network", _("Network (all members)")


class Commodity(ChoiceLabels, models.Model):
    """An entry of the controlled commodity vocabulary, kept by network admins."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier used in imports and the API, e.g. heroin."),
    )
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    name_ru = models.CharField(
        max_length=100,
        blank=True,
        verbose_name=_("name in Russian"),
        help_text=_("Shown when the portal is used in Russian; the English name otherwise."),
    )
    category = models.CharField(
        max_length=20, choices=Category.choices, db_index=True, verbose_name=_("category")
    )
    allows_mass = models.BooleanField(default=False, verbose_name=_("may be reported by mass"))
    allows_volume = models.BooleanField(default=False, verbose_name=_("may be reported by volume"))
    allows_count = models.BooleanField(default=False, verbose_name=_("may be reported by count"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allows_mass=True)
                | models.Q(allows_volume=True)
                | models.Q(allows_count=True),
                name="commodity_has_a_dimension",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (Russian if one is recorded, English otherwise)."""
        return localized_name(self.name, self.name_ru)

    @property
    def dimension_labels(self) -> list[str]:
        """The admissible dimensions, translated (for pages)."""
        labels = dict(Dimension.choices)
        return [str(labels[d]) for d in self.dimensions]

    @property
    def dimensions(self) -> list[str]:
        """The dimensions this commodity may be reported in, in a stable order."""
        allowed = {
            Dimension.MASS: self.allows_mass,
            Dimension.VOLUME: self.allows_volume,
            Dimension.COUNT: self.allows_count,
        }
        return [str(d) for d, ok in allowed.items() if ok]

    def allows(self, dimension: str) -> bool:
        return dimension in self.dimensions
