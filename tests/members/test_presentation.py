"""Readable figures and names: durations as people say them, one date format per language,
deadlines with their zone and the time left, country and unit names in Russian, a favicon."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from members.templatetags.portal import due_in, humanize_duration, when
from tests.factories.members import ControlUnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(seconds=13.654438), "14 s"),
        (datetime.timedelta(seconds=0), "0 s"),
        (datetime.timedelta(minutes=7, seconds=20), "7 min"),
        (datetime.timedelta(hours=4, minutes=12, seconds=9), "4 h 12 min"),
        (datetime.timedelta(hours=3), "3 h"),
        (datetime.timedelta(days=2, hours=3, minutes=5), "2 d 3 h"),
    ],
)
def test_durations_are_humanised(delta, text):
    assert humanize_duration(delta) == text


def test_no_duration_renders_nothing():
    assert humanize_duration(None) == ""


def test_deadlines_say_the_time_left_or_how_late():
    now = timezone.now()
    assert due_in(now + datetime.timedelta(hours=3, minutes=10, seconds=30), now) == (
        "in 3 h 10 min"
    )
    assert due_in(now - datetime.timedelta(hours=2), now) == "overdue by 2 h"


def test_moments_carry_their_zone_in_each_languages_format():
    moment = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=datetime.UTC)
    assert when(moment) == "20 Nov 2026, 14:05 UTC"
    with translation.override("ru"):
        assert when(moment) == "20.11.2026 14:05 UTC"


def test_the_same_moment_reads_in_the_active_zone_and_language_each_time(settings):
    moment = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=datetime.UTC)
    assert when(moment) == "20 Nov 2026, 14:05 UTC"  # kept once made
    settings.TIME_ZONE = "Asia/Almaty"
    with timezone.override("Asia/Almaty"):
        assert when(moment) == "20 Nov 2026, 19:05 Asia/Almaty"
        with translation.override("ru"):
            assert when(moment) == "20.11.2026 19:05 Asia/Almaty"
    settings.TIME_ZONE = "UTC"
    assert when(moment) == "20 Nov 2026, 14:05 UTC"
    assert when(moment.astimezone(datetime.timezone(datetime.timedelta(hours=5)))) == (
        "20 Nov 2026, 14:05 UTC"
    )


def test_dates_use_one_format_per_language():
    template = Template('{{ day|date:"DATE_FORMAT" }}')
    day = datetime.date(2019, 5, 22)
    assert template.render(Context({"day": day})) == "22 May 2019"
    with translation.override("ru"):
        assert template.render(Context({"day": day})) == "22.05.2019"


def test_figures_page_shows_humanised_durations(client, admin_user, focal_kz, focal_uz):
    from exchange import services
    from tests.factories.exchange import file_query

    query = file_query(focal_kz, recipients=("UZ",))
    services.query_acknowledge(query=query, user=focal_uz)
    client.force_login(admin_user)
    content = client.get(reverse("exchange:figures")).content.decode()
    assert "0:00:" not in content
    assert " s</td>" in content


def test_member_and_unit_names_are_russian_in_russian(kz):
    unit = ControlUnitFactory(member=kz, name="Aktau Seaport PCU", name_ru="Порт Актау")
    bare = ControlUnitFactory(member=kz, name="Almaty ACCU")
    assert (kz.display_name, unit.display_name, bare.display_name) == (
        "Kazakhstan",
        "Aktau Seaport PCU",
        "Almaty ACCU",
    )
    with translation.override("ru"):
        assert (kz.display_name, unit.display_name, bare.display_name) == (
            "Казахстан",
            "Порт Актау",
            "Almaty ACCU",
        )
        assert str(kz) == "Казахстан (KZ)"


def test_directory_lists_members_in_russian(client, focal_kz, uz):
    client.force_login(focal_kz)
    client.cookies["django_language"] = "ru"
    content = client.get(reverse("directory"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Казахстан" in content
    assert "Узбекистан" in content


def test_the_favicon_is_linked_and_browsers_asking_for_favicon_ico_find_it(client, focal_kz):
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    client.force_login(focal_kz)
    assert 'rel="icon"' in client.get(reverse("home")).content.decode()


def test_a_member_admin_gives_a_control_unit_its_russian_name(client, kz):
    from members.models import ControlUnit, RoleName
    from tests.factories.members import member_user

    admin_kz = member_user(kz, RoleName.MEMBER_ADMIN, username="admin.kz")
    client.force_login(admin_kz)
    response = client.post(
        reverse("member-unit-new", args=["KZ"]),
        {
            "code": "KZ-AKT-PCU",
            "name": "Aktau Seaport Port Control Unit",
            "name_ru": "Группа портового контроля морского порта Актау",
            "kind": "seaport",
            "city": "Aktau",
            "locode": "KZAKT",
            "active": "on",
        },
    )
    assert response.status_code == 302
    unit = ControlUnit.objects.get(code="KZ-AKT-PCU")
    assert unit.name_ru == "Группа портового контроля морского порта Актау"
    client.cookies["django_language"] = "ru"
    content = client.get(reverse("member-units", args=["KZ"])).content.decode()
    assert "Группа портового контроля морского порта Актау" in content
