"""A network profile screens every member's incoming notices (its owner's too); a national one
only its own member's."""

import pytest

from members.models import RoleName
from tests.factories import ControlUnitFactory, member_user

from .conftest import notice_file, profile_write, screening_of

PRECURSORS = [{"field": "hs_code", "op": "prefix", "value": ["291524", "293941"]}]
ACETIC_ANHYDRIDE = [
    {"description": "Acetic anhydride", "hs_code": "2915.24", "packages": 80, "gross_kg": 16000}
]


@pytest.fixture
def receivers(kz, uz, tj, tashkent):
    """A receiving unit and officer in each of KZ, UZ and TJ."""
    units = {
        "KZ": ControlUnitFactory(member=kz, code="KZ-AKT-PCU"),
        "UZ": tashkent,
        "TJ": ControlUnitFactory(member=tj, code="TJ-DSH-DP"),
    }
    officers = {
        code: member_user(unit.member, RoleName.UNIT_OFFICER, control_unit=unit)
        for code, unit in units.items()
    }
    return units, officers


def test_a_network_profile_applies_to_every_members_incoming_notices(
    officer_ge, analyst_kz, receivers
):
    units, officers = receivers
    profile = profile_write(
        analyst_kz,
        name="Precursors",
        description="Heroin precursors by HS code.",
        scope="network",
        lane="red",
        criteria=[{"field": "hs_code", "op": "prefix", "value": ["2915.24", "293941"]}],
    )
    for number, (code, unit) in enumerate(units.items()):
        notice_id = notice_file(
            officer_ge,
            to_member=code,
            to_unit=unit.code,
            transport_document=f"MEDU99900{number}",
            goods=ACETIC_ANHYDRIDE,
        )
        screening = screening_of(officers[code], notice_id)
        assert screening["lane"] == "red", code
        assert [r for r in screening["reasons"] if r["source"] == "profile"] == [
            {
                "source": "profile",
                "profile": profile["id"],
                "text": "Precursors: Heroin precursors by HS code.",
            }
        ], code


def test_a_national_profile_applies_to_its_own_members_notices_only(
    officer_ge, analyst_kz, receivers
):
    units, officers = receivers
    profile_write(analyst_kz, name="KZ only", criteria=PRECURSORS)
    to_uz = notice_file(officer_ge, goods=ACETIC_ANHYDRIDE)
    to_kz = notice_file(
        officer_ge,
        to_member="KZ",
        to_unit=units["KZ"].code,
        transport_document="MEDU9990001",
        goods=ACETIC_ANHYDRIDE,
    )
    assert not [
        r for r in screening_of(officers["UZ"], to_uz)["reasons"] if r["source"] == "profile"
    ]
    kz_screening = screening_of(officers["KZ"], to_kz)
    assert kz_screening["lane"] == "red"
    assert [r["source"] for r in kz_screening["reasons"]].count("profile") == 1
