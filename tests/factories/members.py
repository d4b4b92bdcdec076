import factory
from django.contrib.auth import get_user_model

from members import permissions
from members.models import ControlUnit, MemberAdministration, RoleName

PASSWORD = "correct-horse-battery-9"

_NAMES = {
    "AF": "Afghanistan",
    "AZ": "Azerbaijan",
    "GE": "Georgia",
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "PK": "Pakistan",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "UA": "Ukraine",
    "UZ": "Uzbekistan",
}


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberAdministration
        django_get_or_create = ("code",)
        skip_postgeneration_save = True
        skip_postgeneration_save = True

    code = factory.Iterator(list(_NAMES))
    name = factory.LazyAttribute(lambda o: _NAMES.get(o.code, o.code))
    administration = factory.LazyAttribute(lambda o: f"Customs of {o.name}")
    status = "member"

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create:
            permissions.member_roles_ensure(member=obj)


class ControlUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlUnit

    member = factory.SubFactory(MemberFactory)
    name = factory.LazyAttribute(lambda o: f"Control unit {o.code}")
    kind = "seaport"
    city = "Port city"

    @factory.lazy_attribute
    def code(self):
        return f"{self.member.code}-T{ControlUnit.objects.count():03d}-PCU"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@iren.test")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def member_user(member, role: str, *, control_unit=None, username=None):
    """A user of ``member`` holding ``role`` (a RoleName); unit officers get a unit."""
    if role == RoleName.UNIT_OFFICER and control_unit is None:
        control_unit = ControlUnitFactory(member=member)
    username = username or f"{role}.{member.code}.{get_user_model().objects.count()}".lower()
    user = UserFactory(username=username, member=member, control_unit=control_unit)
    permissions.grant_role(user, member, role)
    return get_user_model().objects.get(pk=user.pk)


def network_admin(username="netadmin"):
    user = UserFactory(username=username)
    permissions.grant_role(user, None, RoleName.NETWORK_ADMIN)
    return get_user_model().objects.get(pk=user.pk)
