"""Demo pre-arrival notices for ``manage.py seed_demo``: Poti to Tashkent and Aktau, Karachi
to Herat, Khorgos to Bishkek, Baku to Turkmenbashi. One Tashkent notice is red (its container
is on a UZ watch list); the Turkmenbashi one matches a KZ network seizure report; some have
arrivals and outcomes, in English and in Russian. Running it again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from matching.lists import watch_entry_create
from matching.models import WatchEntry
from members.models import ControlUnit
from seizures.models import SeizureReport
from seizures.services import seizure_report_create

from . import services
from .models import ArrivalNotice

RED_CONTAINER = "TGHU8765436"
KZ_SEIZED_CONTAINER = "MSCU4455663"


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _unit(code):
    return ControlUnit.objects.filter(code=code).first()


def _officer_unit(code: str) -> str:
    officer = _user(f"officer.{code.lower()}")
    return officer.control_unit.code if officer and officer.control_unit_id else ""


def _notices(now):
    day = timedelta(days=1)
    return [
        {
            "author": "focal.ge",
            "data": {
                "mode": "sea", "vessel_imo": "9074729", "conveyance": "MSC ANNA / 214E",
                "transport_document": "MEDUGE0001", "transport_document_kind": "bill_of_lading",
                "place_of_loading": "GEPTI", "transit_countries": ["AZ", "KZ"],
                "departed_at": now - 2 * day, "expected_arrival": now + 3 * day,
                "shipper": "Black Sea Trading LLC", "shipper_country": "GE",
                "consignee": "Chilonzor Ceramics LLC", "consignee_country": "UZ",
                "containers": [{"number": RED_CONTAINER, "seals": ["GE4410021"]}],
                "goods": [{"description": "Ceramic tiles", "hs_code": "690721", "packages": 48, "gross_kg": 21400}],
                "from_unit": "GE-PTI-PCU", "to_member": "UZ", "to_unit": _officer_unit("UZ"),
            },
        },
        {
            "author": "focal.ge",
            "data": {
                "mode": "sea", "conveyance": "CASPIAN STAR / 07",
                "transport_document": "MEDUGE0002", "transport_document_kind": "bill_of_lading",
                "place_of_loading": "GEPTI", "place_of_discharge": "KZAKT",
                "transit_countries": ["AZ"], "departed_at": now - 6 * day,
                "expected_arrival": now - 1 * day, "shipper": "Kutaisi Auto Parts",
                "shipper_country": "GE", "consignee": "Aktau Motors LLP", "consignee_country": "KZ",
                "containers": [{"number": "TCLU1200341", "seals": ["GE4410090"]}],
                "goods": [{"description": "Brake pads", "hs_code": "870830", "packages": 120, "gross_kg": 8000}],
                "from_unit": "GE-PTI-PCU", "to_member": "KZ", "to_unit": "KZ-AKT-PCU",
            },
            "arrival": {"containers": [{"number": "TCLU1200341", "seals": ["GE4410090"]}], "gross_kg": 8050},
            "outcome": {"outcome": "examined_nothing_found", "note": "Scanned at the berth; cargo as declared."},
            "actor": "focal.kz",
        },
        {
            "author": "focal.pk",
            "data": {
                "mode": "road", "conveyance": "KHI-4471",
                "transport_document": "PKCMR2026017", "transport_document_kind": "cmr",
                "place_of_loading": "PKKHI", "place_of_discharge": "AFHEA",
                "departed_at": now - 1 * day, "expected_arrival": now + 4 * day,
                "shipper": "Indus Pharma Traders", "shipper_country": "PK",
                "consignee": "Herat Medical Supplies", "consignee_country": "AF",
                "goods": [{"description": "Pharmaceutical preparations", "hs_code": "300490", "packages": 300, "gross_kg": 4200}],
                "from_unit": "PK-KHI-PCU", "to_member": "AF", "to_unit": "AF-HRT-DP",
            },
        },
        {
            "author": "focal.kz",
            "data": {
                "mode": "rail", "conveyance": "Train 8402",
                "transport_document": "SMGS7730215", "transport_document_kind": "rail_waybill",
                "departed_at": now - 3 * day, "expected_arrival": now - 1 * day,
                "shipper": "Horgos Logistics Co", "shipper_country": "CN",
                "consignee": "Dordoi Trade House", "consignee_country": "KG",
                "containers": [{"number": "CAIU7788998", "seals": ["KZ0030301"]}],
                "goods": [{"description": "Cigarettes", "hs_code": "240220", "packages": 500, "gross_kg": 6500}],
                "from_unit": "KZ-KHG-DP", "to_member": "KG", "to_unit": "KG-DOR-LB",
            },
            "arrival": {"containers": [{"number": "CAIU7788998", "seals": ["KG1111111"]}], "gross_kg": 7300},
            "outcome": {"outcome": "discrepancy", "note": "Пломба заменена, масса на 12 % больше заявленной; груз задержан для проверки."},
            "actor": "focal.kg",
        },
        {
            "author": "focal.az",
            "data": {
                "mode": "sea", "conveyance": "BAKU-TURKMENBASHI FERRY 12",
                "transport_document": "AZBL2026118", "transport_document_kind": "bill_of_lading",
                "place_of_loading": "AZBAK", "place_of_discharge": "TMTMZ",
                "departed_at": now - 1 * day, "expected_arrival": now + 1 * day,
                "shipper": "Absheron Foods LLC", "shipper_country": "AZ",
                "consignee": "Balkan Retail", "consignee_country": "TM",
                "containers": [{"number": KZ_SEIZED_CONTAINER, "seals": ["AZ7000451"]}],
                "goods": [{"description": "Canned vegetables", "hs_code": "200599", "packages": 900, "gross_kg": 18000}],
                "from_unit": "AZ-BAK-PCU", "to_member": "TM", "to_unit": "TM-TMZ-PCU",
            },
        },
    ]  # fmt: skip


def _kz_report():
    analyst = _user("analyst.kz")
    if analyst is None or SeizureReport.objects.filter(reference="KZ-2024-ARR1").exists():
        return
    seizure_report_create(
        user=analyst,
        data={
            "reference": "KZ-2024-ARR1", "seized_on": "2024-05-14", "member": "KZ",
            "control_unit": "", "commodity": "cigarettes", "quantity": "350000",
            "unit": "pieces", "transport_mode": "sea-container", "origin_country": "AZ",
            "destination_country": "KZ", "container_number": KZ_SEIZED_CONTAINER,
            "detection_method": "profiling", "operation": "", "sharing": "network",
        },
    )  # fmt: skip


@transaction.atomic
def seed(*, members) -> str:
    """Add the demo notices that are missing; return a short summary."""
    if not {"GE", "UZ", "KZ"} <= set(members):
        return "0 demo pre-arrival notices."
    focal_uz = _user("focal.uz")
    if (
        focal_uz
        and not WatchEntry.objects.filter(member=members["UZ"], value=RED_CONTAINER).exists()
    ):
        watch_entry_create(
            user=focal_uz,
            kind="container",
            value=RED_CONTAINER,
            note="Hotline tip: undeclared cigarettes under tiles.",
        )
    _kz_report()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    created = 0
    for spec in _notices(now):
        author = _user(spec["author"])
        data = dict(spec["data"])
        code = data["to_member"]
        if author is None or code not in members or not _unit(data["from_unit"]):
            continue
        if not data.get("to_unit") or not _unit(data["to_unit"]):
            data.pop("to_unit", None)
        if ArrivalNotice.objects.filter(transport_document=data["transport_document"]).exists():
            continue
        notice = services.notice_file(author=author, data=data)
        actor = _user(spec.get("actor", ""))
        if actor and "arrival" in spec:
            services.notice_arrived(user=actor, notice=notice, data=spec["arrival"])
        if actor and "outcome" in spec:
            services.notice_outcome(user=actor, notice=notice, data=spec["outcome"])
        created += 1
    return f"{created} demo pre-arrival notices."
