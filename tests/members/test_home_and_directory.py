"""The home page per role, and the network directory."""

from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import RoleName
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def href(name, *args):
    return f'href="{reverse(name, args=args)}"'


def test_home_needs_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_network_admin_home_offers_onboarding_and_the_directory(client, admin_user):
    html = home(client, admin_user)
    assert href("member-onboard") in html
    assert href("directory") in html
    assert "IREN secretariat" in html


def test_member_admin_home_offers_own_people_and_units(client, admin_kz, uz):
    html = home(client, admin_kz)
    assert href("member-people", "KZ") in html
    assert href("member-units", "KZ") in html
    assert href("member-people", "UZ") not in html
    assert href("member-onboard") not in html


def test_focal_point_home_shows_own_administration_and_no_admin_links(client, focal_kz):
    html = home(client, focal_kz)
    assert focal_kz.member.administration in html
    assert "Focal point" in html
    assert href("member-onboard") not in html
    assert href("member-people", "KZ") not in html
    assert href("directory") in html


def test_focal_point_home_links_the_query_inbox(client, focal_kz):
    assert href("exchange:inbox") in home(client, focal_kz)


def test_analyst_home_has_no_query_inbox_and_no_admin_links(client, analyst_kz):
    html = home(client, analyst_kz)
    assert "Analyst" in html
    assert href("exchange:inbox") not in html
    assert href("member-onboard") not in html
    assert href("member-people", "KZ") not in html


def test_analyst_home_links_the_seizures_dashboard(client, analyst_kz):
    assert href("seizures:dashboard") in home(client, analyst_kz)


def test_directory_lists_members_units_and_focal_points(client, focal_kz, focal_uz):
    ControlUnitFactory(member=focal_uz.member, code="UZ-TAS-ACCU", name="Tashkent ACCU")
    client.force_login(focal_kz)
    response = client.get(reverse("directory"))
    html = response.content.decode()
    assert "Uzbekistan" in html
    assert "Customs of Uzbekistan" in html
    assert "UZ-TAS-ACCU" in html
    assert focal_uz.display_name in html
    assert focal_kz.display_name in html


def test_directory_does_not_list_analysts_as_focal_points(client, focal_kz, analyst_tj):
    client.force_login(focal_kz)
    html = client.get(reverse("directory")).content.decode()
    assert "Tajikistan" in html
    assert analyst_tj.display_name not in html


def test_directory_is_a_404_outside_the_network(client, db):
    from tests.factories.members import UserFactory

    client.force_login(UserFactory(username="stranger"))
    assert client.get(reverse("directory")).status_code == 404


def _directory_queries(client, django_user):
    from django.db import connection

    client.force_login(django_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("directory"))
    assert response.status_code == 200
    return len(queries)


def test_directory_queries_do_not_grow_with_members(
    client, focal_kz, django_assert_max_num_queries
):
    few = _directory_queries(client, focal_kz)
    for code in ["AF", "AZ", "GE", "KG", "PK", "TM", "UA", "UZ"]:
        member = MemberFactory(code=code)
        ControlUnitFactory(member=member)
        ControlUnitFactory(member=member)
        member_user(member, RoleName.FOCAL_POINT, username=f"focal.{code.lower()}")
    with django_assert_max_num_queries(few):
        client.get(reverse("directory"))
    # 11: the header's "To release" count of a focal point is one more statement.
    assert few <= 11


def test_member_detail_shows_units_and_focal_points(client, focal_kz, uz, focal_uz):
    ControlUnitFactory(member=uz, code="UZ-TAS-ACCU", name="Tashkent ACCU")
    client.force_login(focal_kz)
    html = client.get(reverse("member-detail", args=["uz"])).content.decode()
    assert "UZ-TAS-ACCU" in html
    assert focal_uz.email in html


def test_member_detail_of_unknown_country_is_a_404(client, focal_kz):
    client.force_login(focal_kz)
    assert client.get(reverse("member-detail", args=["XQ"])).status_code == 404


def test_language_switcher_switches_to_russian(client, focal_kz):
    client.force_login(focal_kz)
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "ru"
