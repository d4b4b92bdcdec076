"""The ``manage_profiles`` right (risk profiles), granted on each member to its analysts' and
focal points' role groups."""

from django.db import migrations

ROLES = ("analyst", "focal_point")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("members", "Role")
    GroupObjectPermission = apps.get_model("guardian", "GroupObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="members", model="memberadministration"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="manage_profiles",
        defaults={"name": "Write and read the member's risk profiles"},
    )
    for role in Role.objects.filter(name__in=ROLES, member__isnull=False):
        GroupObjectPermission.objects.get_or_create(
            group_id=role.group_id,
            permission=permission,
            content_type=content_type,
            object_pk=str(role.member_id),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_release_policy"),
        ("guardian", "0002_generic_permissions_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="memberadministration",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("file_queries", "File urgent queries on behalf of the member"),
                    ("receive_alerts", "Receive the member's query alerts"),
                    ("view_queries", "See every query the member is party to"),
                    ("view_unit_queries", "See the queries that concern one's own control unit"),
                    ("view_seizures", "See the member's seizure reports"),
                    ("report_seizures", "Enter and import the member's seizure reports"),
                    ("manage_people", "Manage the member's users and control units"),
                    ("manage_profiles", "Write and read the member's risk profiles"),
                ],
                "verbose_name": "member administration",
                "verbose_name_plural": "member administrations",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
