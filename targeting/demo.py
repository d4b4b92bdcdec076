"""Demo targeting for ``manage.py seed_demo``: UZ's national profile (tobacco loaded at Jebel Ali
or Poti, red) and its 5 % random selection; KZ's network profile (heroin and ATS precursors by
HS code, amber). Notices of the last three months give both profiles selections and findings,
and random selection its baseline (ordinary notices to UZ are filed until it has picked three),
so the figures, the chart and the lift are not empty. Running it again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum import iso6346

from arrivals import services as arrivals
from arrivals.models import ArrivalNotice
from members.models import ControlUnit
from seizures.models import SeizureReport
from seizures.services import seizure_report_create

from . import services
from .models import RiskProfile, Selection, TargetingSettings

UZ_PROFILE = "Tobacco loaded at Jebel Ali or Poti"
KZ_PROFILE = "Heroin and ATS precursors"
RANDOM_PICKS = 3
MAX_ORDINARY = 150
#: Days from now of the tobacco notices already arrived.
TOBACCO_DAYS = (-50, -35, -12)


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _unit(code):
    return ControlUnit.objects.filter(code=code).first()


def _profiles(members) -> int:
    made = 0
    analyst_uz, analyst_kz, focal_uz = _user("analyst.uz"), _user("analyst.kz"), _user("focal.uz")
    if (
        analyst_uz
        and not RiskProfile.objects.filter(member=members["UZ"], name=UZ_PROFILE).exists()
    ):
        services.profile_create(
            user=analyst_uz,
            data={
                "name": UZ_PROFILE, "scope": "national", "lane": "red", "modes": ["sea", "rail", "road"],
                "description": "Cigarettes and tobacco declared as spare parts or tiles, shipped from Jebel Ali through Poti (Nicotiana findings, KZ and UZ).",
                "active": True,
                "criteria": [
                    {"field": "hs_code", "op": "prefix", "value": ["2402", "2403"]},
                    {"field": "place_of_loading", "op": "in", "value": ["AEJEA", "GEPTI"]},
                ],
            },
        )  # fmt: skip
        made += 1
    if (
        analyst_kz
        and not RiskProfile.objects.filter(member=members["KZ"], name=KZ_PROFILE).exists()
    ):
        services.profile_create(
            user=analyst_kz,
            data={
                "name": KZ_PROFILE, "scope": "network", "lane": "amber", "modes": [],
                "description": "Acetic anhydride, ephedrines, P2P and permanganate: check end user and licence.",
                "active": True,
                "valid_until": (timezone.localdate() + timedelta(days=5)).isoformat(),
                "criteria": [{"field": "hs_code", "op": "prefix", "value": ["291524", "293941", "293942", "291431", "284161"]}],
            },
        )  # fmt: skip
        made += 1
    if focal_uz and not TargetingSettings.objects.filter(member=members["UZ"]).exists():
        services.random_rate_set(user=focal_uz, member=members["UZ"], data={"random_rate": 0.05})
    return made


def _notice(author, document, days, **data):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    base = {
        "mode": "sea", "transport_document": document, "transport_document_kind": "bill_of_lading",
        "departed_at": now + timedelta(days=days - 6), "expected_arrival": now + timedelta(days=days),
    }  # fmt: skip
    return arrivals.notice_file(author=_user(author), data={**base, **data})


def _tobacco(number, days, container):
    return {
        "conveyance": f"MSC ANNA / 2{number}E", "place_of_loading": "AEJEA" if number % 2 else "GEPTI",
        "transit_countries": ["GE", "AZ"], "shipper": "Gulf Auto Spares FZE", "shipper_country": "AE",
        "consignee": "Samarkand Motors LLC", "consignee_country": "UZ",
        "containers": [{"number": container, "seals": [f"GE44{number:05d}"]}],
        "goods": [{"description": "Spare parts for vehicles", "hs_code": "240220", "packages": 620, "gross_kg": 7400}],
        "from_unit": "GE-PTI-PCU", "to_member": "UZ",
    }  # fmt: skip


def _precursor(number, hs_code, description, to_member, to_unit, from_unit):
    return {
        "conveyance": f"CASPIAN STAR / {number:02d}", "shipper": "Caspian Chemicals LLC", "shipper_country": "AZ",
        "consignee": f"{to_member} Pharma Import", "consignee_country": to_member,
        "goods": [{"description": description, "hs_code": hs_code, "packages": 40, "gross_kg": 8800}],
        "from_unit": from_unit, "to_member": to_member, "to_unit": to_unit,
    }  # fmt: skip


def _uz_report(reference: str):
    analyst = _user("analyst.uz")
    report = SeizureReport.objects.filter(reference=reference).first()
    if report is None and analyst is not None:
        report = seizure_report_create(
            user=analyst,
            data={
                "reference": reference, "seized_on": (timezone.localdate() - timedelta(days=48)).isoformat(),
                "member": "UZ", "control_unit": "", "commodity": "cigarettes", "quantity": "620000",
                "unit": "pieces", "transport_mode": "sea-container", "origin_country": "AE",
                "destination_country": "UZ", "container_number": "MSCU6639870",
                "detection_method": "profiling", "operation": "", "sharing": "network",
            },
        )  # fmt: skip
    return report


def _close(notice, actor, outcome, report=None):
    data = {"outcome": outcome, **({"seizure_report": report.pk} if report else {})}
    arrivals.notice_outcome(user=_user(actor), notice=notice, data=data)


def _flows() -> int:
    """The demo notices of targeting; each document filed once."""
    if ArrivalNotice.objects.filter(transport_document="TGTUZ0001").exists():
        return 0
    if not all(_unit(code) for code in ("GE-PTI-PCU", "AZ-BAK-PCU", "KZ-AKT-PCU", "PK-KHI-PCU")):
        return 0
    filed = 0
    containers = ["MSCU6639870", "TGHU8765436", "CAIU7788998", "MSCU4455663"]
    tobacco = []
    for number, (days, container) in enumerate(zip((*TOBACCO_DAYS, 4), containers, strict=True)):
        tobacco.append(
            _notice("focal.ge", f"TGTUZ000{number + 1}", days, **_tobacco(number, days, container))
        )
    _close(tobacco[0], "focal.uz", "seizure", _uz_report("UZ-2026-TGT1"))
    _close(tobacco[1], "focal.uz", "examined_nothing_found")
    _close(tobacco[2], "focal.uz", "discrepancy")
    filed += len(tobacco)
    precursors = [
        _notice("focal.az", "TGTKZ0001", -40, **_precursor(1, "291524", "Acetic anhydride", "KZ", "KZ-AKT-PCU", "AZ-BAK-PCU")),
        _notice("focal.az", "TGTKZ0002", -20, **_precursor(2, "293941", "Ephedrine hydrochloride", "KZ", "KZ-AKT-PCU", "AZ-BAK-PCU")),
        _notice("focal.pk", "TGTAF0001", 3, mode="road", transport_document_kind="cmr", **{**_precursor(3, "284161", "Potassium permanganate", "AF", "AF-HRT-DP", "PK-KHI-PCU"), "shipper_country": "PK", "conveyance": "KHI-5120"}),
    ]  # fmt: skip
    _close(precursors[0], "focal.kz", "discrepancy")
    _close(precursors[1], "focal.kz", "examined_nothing_found")
    filed += len(precursors)
    filed += _random_baseline()
    return filed


def _random_baseline() -> int:
    """Ordinary notices to UZ until random selection has picked ``RANDOM_PICKS`` (the draw is
    a keyed hash of the id: how many it takes depends on the ids); the picked ones examined."""
    outcomes = ["discrepancy", "examined_nothing_found", "examined_nothing_found"]
    filed = 0
    picked = []
    while len(picked) < RANDOM_PICKS and filed < MAX_ORDINARY:
        days = TOBACCO_DAYS[filed % 3]  # the months of the tobacco notices: the baseline's
        # Identifiers of its own, so that no hit on an earlier notice makes it amber.
        container = f"TGTU{filed:06d}"
        notice = _notice(
            "focal.ge", f"TGTORD{filed:04d}", days,
            place_of_loading="GEPTI", shipper=f"Kutaisi Tiles Works {filed}", shipper_country="GE",
            consignee=f"Chilonzor Ceramics Trade {filed}", consignee_country="UZ",
            containers=[{"number": container + iso6346.calc_check_digit(container), "seals": [f"GE55{filed:05d}"]}],
            goods=[{"description": "Ceramic tiles", "hs_code": "690721", "packages": 48, "gross_kg": 21400}],
            from_unit="GE-PTI-PCU", to_member="UZ",
        )  # fmt: skip
        filed += 1
        if Selection.objects.filter(notice_id=notice.pk, profile=None).exists():
            _close(notice, "focal.uz", outcomes[len(picked)])
            picked.append(notice)
    return filed


@transaction.atomic
def seed(*, members) -> str:
    """Add what is missing; return a short summary."""
    if not {"GE", "UZ", "KZ"} <= set(members):
        return "0 risk profiles."
    made = _profiles(members)
    filed = _flows()
    return f"{made} risk profiles, {filed} notices for targeting."
