"""The members concerned by an audit event become an array of codes (``{KZ,UZ}``) instead of
text between bars (``|KZ|UZ|``), searched with a GIN index. The hash still covers the text
form, so every row written before verifies as it did. Changing a column's type fires no row
trigger, so the append-only guard stays in force."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

TO_ARRAY = """
ALTER TABLE members_auditevent
    ALTER COLUMN members DROP DEFAULT,
    ALTER COLUMN members TYPE varchar(2)[]
    USING COALESCE(string_to_array(NULLIF(trim(both '|' from members), ''), '|'), '{}')
"""
TO_TEXT = """
ALTER TABLE members_auditevent
    ALTER COLUMN members TYPE varchar(400)
    USING CASE WHEN cardinality(members) = 0 THEN '' ELSE '|' || array_to_string(members, '|') || '|' END
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0009_audit_actor_username_index")]

    operations = [
        migrations.RemoveIndex(model_name="auditevent", name="audit_members_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(TO_ARRAY, TO_TEXT)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="members",
                    field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=2),
                        blank=True,
                        default=list,
                        help_text="Country codes, sorted.",
                        size=None,
                        verbose_name="members concerned",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["members"], name="audit_members_gin_idx"
            ),
        ),
    ]
