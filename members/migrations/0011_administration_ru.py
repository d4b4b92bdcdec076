from django.db import migrations, models


def russian_names_fill(apps, schema_editor):
    """Give the demo network's administrations and control units their Russian names where
    none is recorded yet (a name someone entered is kept)."""
    from members.demo import ADMINISTRATIONS_RU, CONTROL_UNIT_NAMES_RU

    member_model = apps.get_model("members", "MemberAdministration")
    unit_model = apps.get_model("members", "ControlUnit")
    for code, name in ADMINISTRATIONS_RU.items():
        member_model.objects.filter(code=code, administration_ru="").update(administration_ru=name)
    for code, name in CONTROL_UNIT_NAMES_RU.items():
        unit_model.objects.filter(code=code, name_ru="").update(name_ru=name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_audit_members_array"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberadministration",
            name="administration_ru",
            field=models.CharField(
                blank=True,
                help_text="Optional; shown when the portal is used in Russian.",
                max_length=200,
                verbose_name="customs administration in Russian",
            ),
        ),
        migrations.RunPython(russian_names_fill, migrations.RunPython.noop),
    ]
