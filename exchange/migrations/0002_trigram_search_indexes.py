"""Trigram indexes for the inbox's text search.

Django's ``icontains`` compiles to ``UPPER(col::text) LIKE UPPER(%s)`` on PostgreSQL, so the
indexes are on those expressions. pg_trgm is a trusted extension: the database owner may
create it.
"""

from django.db import migrations

COLUMNS = ("subject", "body", "reference")


def forwards(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS query_{column}_trgm_idx ON exchange_query "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS query_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
