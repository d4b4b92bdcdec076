import django.contrib.postgres.fields
from django.db import migrations, models

# ",1,3," → {1,3} (and back): Django's own AlterField would cast the text as it is.
TO_ARRAY = """
ALTER TABLE exchange_identifierentry
    ALTER COLUMN party_ids TYPE bigint[]
    USING string_to_array(trim(both ',' from party_ids), ',')::bigint[]
"""
TO_TEXT = """
ALTER TABLE exchange_identifierentry
    ALTER COLUMN party_ids TYPE varchar(400)
    USING CASE WHEN cardinality(party_ids) = 0 THEN ''
               ELSE ',' || array_to_string(party_ids, ',') || ',' END
"""


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(TO_ARRAY, TO_TEXT)],
            state_operations=[
                migrations.AlterField(
                    model_name='identifierentry',
                    name='party_ids',
                    field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, help_text='Ids of the members who may see the record.', size=None, verbose_name='parties'),
                ),
            ],
        ),
    ]
