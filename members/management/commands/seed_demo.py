from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from members import permissions
from members.demo import (
    ADMINISTRATIONS_RU,
    CONTROL_UNIT_NAMES_RU,
    CONTROL_UNITS,
    MEMBERS,
    seed_member_admins,
    seed_release_policies,
)
from members.models import ControlUnit, MemberAdministration, MemberStatus, RoleName

DEMO_USERS = [
    # username prefix, role, first name
    ("focal", RoleName.FOCAL_POINT, "Focal point"),
    ("officer", RoleName.UNIT_OFFICER, "Officer"),
    ("analyst", RoleName.ANALYST, "Analyst"),
]


class Command(BaseCommand):
    help = (
        "Build the IREN demo network: ten members, their control units, the users "
        "focal.<cc>, officer.<cc>, analyst.<cc>, manager.<cc> (member admin) and the network "
        "admin 'admin'. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password of every demo user.")

    @transaction.atomic
    def handle(self, *args, password, **options):
        user_model = get_user_model()
        created_users = 0
        groups = {}
        for code, name, administration, joined_on in MEMBERS:
            member, _ = MemberAdministration.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "administration": administration,
                    "administration_ru": ADMINISTRATIONS_RU.get(code, ""),
                    "joined_on": joined_on,
                    "status": MemberStatus.MEMBER,
                },
            )
            groups[code] = permissions.member_roles_ensure(member=member)
        members = {m.code.code: m for m in MemberAdministration.objects.all()}
        for code, name, kind, city, locode in CONTROL_UNITS:
            ControlUnit.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_ru": CONTROL_UNIT_NAMES_RU.get(code, ""),
                    "member": members[code[:2]],
                    "kind": kind,
                    "city": city,
                    "locode": locode,
                },
            )
        for code, *_ in MEMBERS:
            member = members[code]
            first_unit = member.control_units.order_by("code").first()
            for prefix, role, first_name in DEMO_USERS:
                username = f"{prefix}.{code.lower()}"
                user = user_model.objects.filter(username=username).first()
                if user is None:
                    user = user_model(
                        username=username,
                        email=f"{username}@iren.example",
                        first_name=first_name,
                        last_name=member.name,
                        member=member,
                        control_unit=first_unit if role == RoleName.UNIT_OFFICER else None,
                    )
                    user.set_password(password)
                    user.save()
                    created_users += 1
                user.groups.add(groups[code][role])
        created_users += seed_member_admins(members=members, password=password)
        admin = user_model.objects.filter(username="admin").first()
        if admin is None:
            admin = user_model(
                username="admin",
                email="admin@iren.example",
                first_name="Network",
                last_name="Admin",
                is_staff=True,
            )
            admin.set_password(password)
            admin.save()
            created_users += 1
        permissions.grant_role(admin, None, RoleName.NETWORK_ADMIN)
        extra = self._seed_apps(members=members, password=password)
        # Release policies last, so that the demo's history went out when it was filed; then
        # the items that await release under them.
        seed_release_policies(members=members)
        extra += self._seed_apps(members=members, password=password, hook="seed_demo_held")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {len(members)} members, "
                f"{ControlUnit.objects.count()} control units, "
                f"{created_users} new users.{extra}"
            )
        )

    def _seed_apps(self, *, members, password, hook: str = "seed_demo") -> str:
        """Let every other installed app add its demo data, in INSTALLED_APPS order (which is
        the dependency order: exchange before seizures). An app takes part by defining
        ``seed_demo(*, members)`` on its AppConfig; members imports none of them."""
        notes = []
        for config in apps.get_app_configs():
            seeder = getattr(config, hook, None)
            if config.name == "members" or seeder is None:
                continue
            note = seeder(members=members)
            if note:
                notes.append(note)
        return (" " + " ".join(notes)) if notes else ""
