"""The seed commodity vocabulary (also frozen in migration 0002), for the demo and tests."""

# code, name, category, dimensions
COMMODITIES = [
    ("heroin", "Heroin", "narcotics", ("mass",)),
    ("opium", "Opium", "narcotics", ("mass",)),
    ("hashish", "Hashish", "narcotics", ("mass",)),
    ("cannabis-herb", "Cannabis herb", "narcotics", ("mass",)),
    ("methamphetamine", "Methamphetamine", "narcotics", ("mass", "count")),
    ("cocaine", "Cocaine", "narcotics", ("mass",)),
    ("pregabalin", "Pregabalin (Regapen)", "psychotropics", ("mass", "count")),
    ("tramadol", "Tramadol", "psychotropics", ("mass", "count")),
    ("acetic-anhydride", "Acetic anhydride", "precursors", ("mass", "volume")),
    ("cigarettes", "Cigarettes", "tobacco", ("mass", "count")),
    ("hookah-tobacco", "Hookah tobacco", "tobacco", ("mass",)),
    ("ethyl-alcohol", "Ethyl alcohol", "alcohol", ("volume",)),
    ("ferrosilicon", "Ferrosilicon", "metals-minerals", ("mass",)),
    ("consumer-goods", "Consumer goods", "consumer-goods", ("mass", "count")),
]

#: code -> Russian name (also frozen in migration 0005_commodity_name_ru)
NAMES_RU = {
    "heroin": "Героин",
    "opium": "Опий",
    "hashish": "Гашиш",
    "cannabis-herb": "Каннабис (марихуана)",
    "methamphetamine": "Метамфетамин",
    "cocaine": "Кокаин",
    "pregabalin": "Прегабалин (Регапен)",
    "tramadol": "Трамадол",
    "acetic-anhydride": "Уксусный ангидрид",
    "cigarettes": "Сигареты",
    "hookah-tobacco": "Кальянный табак",
    "ethyl-alcohol": "Этиловый спирт",
    "ferrosilicon": "Ферросилиций",
    "consumer-goods": "Товары народного потребления",
}


def ensure_commodities() -> int:
    """Create the seed commodities that are missing (e.g. after a test flushed the database).
    Returns how many were created; existing entries are left as the admins keep them."""
    from .models import Commodity

    existing = set(Commodity.objects.values_list("code", flat=True))
    missing = [
        Commodity(
            code=code,
            name=name,
            name_ru=NAMES_RU.get(code, ""),
            category=category,
            allows_mass="mass" in dimensions,
            allows_volume="volume" in dimensions,
            allows_count="count" in dimensions,
        )
        for code, name, category, dimensions in COMMODITIES
        if code not in existing
    ]
    Commodity.objects.bulk_create(missing)
    return len(missing)


_COMMODITY_FIELDS = (
    "pk",
    "code",
    "name",
    "name_ru",
    "category",
    "allows_mass",
    "allows_volume",
    "allows_count",
    "active",
)


def commodity_vocabulary():
    """Every commodity ordered by name, from the vocabulary cache (``members.caching``):
    instances for choices and labels, never for writing."""
    from members import caching

    from .models import Commodity

    rows = caching.vocabulary(
        "commodities",
        lambda: list(Commodity.objects.order_by("name").values_list(*_COMMODITY_FIELDS)),
    )
    return [Commodity(**dict(zip(_COMMODITY_FIELDS, row, strict=True))) for row in rows]


def operation_vocabulary() -> list[tuple[int, str, str]]:
    """(pk, code, name) of every operation ordered by name, from the vocabulary cache."""
    from members import caching

    from .models import Operation

    return caching.vocabulary(
        "operations",
        lambda: list(Operation.objects.order_by("name").values_list("pk", "code", "name")),
    )


def operation_choices() -> list[tuple[str, str]]:
    """(code, name) of every operation ordered by name, for drop-downs."""
    return [(code, name) for _pk, code, name in operation_vocabulary()]


def vocabulary_signals_connect() -> None:
    """Commodities and operations are vocabularies: any change invalidates the cache."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from members import caching

    from .models import Commodity, Operation

    for model in (Commodity, Operation):
        for signal in (post_save, post_delete):
            uid = f"iren-vocabulary-{model.__name__}-{id(signal)}"
            signal.connect(caching.vocabulary_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        caching.vocabulary_changed,
        sender=Operation.participating_members.through,
        dispatch_uid="iren-vocabulary-operation-members",
    )
