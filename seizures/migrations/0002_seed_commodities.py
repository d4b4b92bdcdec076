"""Seed the commodity vocabulary the issue names (network admins extend it later)."""

from django.db import migrations

# code, name, category, dimensions (mass, volume, count)
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


def seed(apps, schema_editor):
    Commodity = apps.get_model("seizures", "Commodity")
    for code, name, category, dimensions in COMMODITIES:
        Commodity.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "allows_mass": "mass" in dimensions,
                "allows_volume": "volume" in dimensions,
                "allows_count": "count" in dimensions,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("seizures", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
