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
