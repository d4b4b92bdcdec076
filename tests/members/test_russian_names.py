"""Official names in the active language: every demo administration and control unit has a
Russian name (seed data and, for databases seeded earlier, a migration), and the Russian
pages show them; the English pages keep the English names."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from members.models import ControlUnit, MemberAdministration, RoleName
from tests.factories.members import ControlUnitFactory, MemberFactory, member_user

pytestmark = pytest.mark.django_db

KZ_RU = "Комитет государственных доходов Министерства финансов Республики Казахстан"
KZ_EN = "State Revenue Committee of the Ministry of Finance of the Republic of Kazakhstan"


def _in(client, language):
    client.cookies["django_language"] = language
    return client


def test_the_demo_network_has_every_name_in_russian():
    call_command("seed_demo", "--password=demo-Password-2026", stdout=open("/dev/null", "w"))
    assert not MemberAdministration.objects.filter(administration_ru="").exists()
    assert not ControlUnit.objects.filter(name_ru="").exists()
    assert MemberAdministration.objects.get(code="KZ").administration_ru == KZ_RU
    karachi = ControlUnit.objects.get(code="PK-KHI-PCU")
    assert karachi.name_ru == "Группа портового контроля порта Карачи"


def test_the_migration_fills_names_that_are_missing_and_keeps_those_entered():
    MemberFactory(code="KZ", administration=KZ_EN)
    MemberFactory(code="PK", administration="Pakistan Customs", administration_ru="Своё имя")
    unit = ControlUnitFactory(member=MemberAdministration.objects.get(code="KZ"), code="KZ-AKT-PCU")
    migration = importlib.import_module("members.migrations.0011_administration_ru")
    migration.russian_names_fill(apps, None)
    assert MemberAdministration.objects.get(code="KZ").administration_ru == KZ_RU
    assert MemberAdministration.objects.get(code="PK").administration_ru == "Своё имя"
    unit.refresh_from_db()
    assert unit.name_ru == "Группа портового контроля морского порта Актау"


def test_directory_and_member_page_show_the_official_name_in_russian(client, kz, focal_kz):
    MemberAdministration.objects.filter(pk=kz.pk).update(
        administration=KZ_EN, administration_ru=KZ_RU
    )
    client.force_login(focal_kz)
    for url in (reverse("directory"), reverse("member-detail", args=["KZ"])):
        page = _in(client, "ru").get(url).content.decode()
        assert KZ_RU in page and KZ_EN not in page, url
        page = _in(client, "en").get(url).content.decode()
        assert KZ_EN in page and KZ_RU not in page, url


def test_the_query_form_names_control_units_in_russian(client, kz, uz, focal_kz):
    ControlUnitFactory(
        member=uz,
        code="UZ-TAS-ACCU",
        name="Tashkent Airport Air Cargo Control Unit",
        name_ru="Группа контроля авиагрузов аэропорта Ташкент",
    )
    officer = member_user(
        kz,
        RoleName.UNIT_OFFICER,
        control_unit=ControlUnitFactory(
            member=kz, code="KZ-AKT-PCU", name="Aktau Seaport", name_ru="Порт Актау"
        ),
    )
    for user in (focal_kz, officer):
        client.force_login(user)
        page = _in(client, "ru").get(reverse("exchange:file")).content.decode()
        assert "Группа контроля авиагрузов аэропорта Ташкент" in page
        assert "Tashkent Airport Air Cargo Control Unit" not in page
    assert "Порт Актау" in page and "Aktau Seaport" not in page


def test_onboarding_records_the_official_name_in_russian(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("member-onboard"),
        {
            "code": "MN",
            "name": "Mongolia",
            "administration": "Customs General Administration of Mongolia",
            "administration_ru": "Главное таможенное управление Монголии",
            "joined_on": "2024-01-10",
            "focal-TOTAL_FORMS": "1",
            "focal-INITIAL_FORMS": "0",
            "focal-0-name": "Bat Erdene",
            "focal-0-email": "focal@customs.mn",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member = MemberAdministration.objects.get(code="MN")
    assert member.administration_ru == "Главное таможенное управление Монголии"
