"""Demo data: the commodity vocabulary, Operation Nicotiana (tobacco, coordinated by
Kazakhstan) and seizure reports that reproduce, in spirit, the results the network published:
587 kg of drugs (580 kg of heroin), 127,344 pills of Regapen, 55 tons of ferrosilicon,
550,000 pieces of tobacco products and 237 tons of consumer goods.

The reports go through the same validator and writer as any import (``seizures_validate``,
``seizures_write``), on behalf of the demo members. ``seed(members=...)`` is idempotent:
reports are keyed on (member, reference).
"""

import csv
import io
from datetime import date

from django.db import transaction

from members.models import ControlUnit

from .importing import seizures_validate, seizures_write
from .models import Operation, SeizureReport
from .vocabulary import ensure_commodities

NICOTIANA = {
    "code": "nicotiana",
    "name": "Nicotiana",
    "coordinator": "KZ",
    "participants": ["AZ", "GE", "KZ", "KG", "PK", "TJ", "TM", "UZ"],
    "starts_on": date(2022, 10, 1),
    "ends_on": date(2022, 12, 31),
    "target_categories": ["tobacco"],
    "description": (
        "Interregional operation on suppressing the trafficking in tobacco products, "
        "coordinated by the State Revenue Committee of Kazakhstan."
    ),
}

#: The demo reports, in the columns of an import file (lines starting with # are comments).
REPORTS_CSV = """\
reference,member,seized_on,commodity,quantity,unit,transport_mode,origin_country,destination_country,detection_method,sharing,operation,container_number
# 580 kg of heroin in nine seizures
AF-2021-014,AF,2021-03-12,heroin,120,kg,road,AF,TJ,intelligence,network,,
PK-2021-220,PK,2021-05-04,heroin,95,kg,sea-container,AF,AZ,profiling,network,,CSQU3054383
TJ-2021-031,TJ,2021-06-21,heroin,80,kg,road,AF,KZ,x-ray,network,,
UZ-2021-112,UZ,2021-08-02,heroin,70,kg,rail,AF,KZ,canine,network,,
KZ-2021-307,KZ,2021-09-15,heroin,60,kg,rail,TJ,RU,profiling,network,,
TM-2021-009,TM,2021-11-30,heroin,55,kg,road,AF,AZ,x-ray,network,,
AZ-2022-041,AZ,2022-02-17,heroin,40000,g,sea-container,IR,GE,pre-arrival,network,,MSKU9070323
KG-2022-018,KG,2022-04-09,heroin,35,kg,air-cargo,TJ,RU,profiling,network,,
GE-2022-077,GE,2022-06-28,heroin,25,kg,sea-container,IR,UA,x-ray,network,,
# 7 kg of other drugs: 587 kg of drugs in all
KZ-2022-114,KZ,2022-03-03,hashish,5,kg,postal,KG,KZ,canine,network,,
TJ-2022-052,TJ,2022-05-19,opium,2,kg,passenger,AF,TJ,random,national,,
# 127,344 pills of Regapen (pregabalin)
UZ-2022-201,UZ,2022-07-14,pregabalin,100000,pills,air-cargo,IN,UZ,profiling,network,,
KZ-2022-233,KZ,2022-08-25,pregabalin,27344,pills,road,UZ,KZ,x-ray,network,,
# 55 tons of ferrosilicon
GE-2022-140,GE,2022-09-06,ferrosilicon,30,t,rail,RU,GE,pre-arrival,network,,
AZ-2022-166,AZ,2022-09-27,ferrosilicon,25000,kg,sea-container,KZ,AZ,profiling,network,,TGHU8845969
# 550,000 pieces of tobacco products, in Operation Nicotiana
KZ-2022-N01,KZ,2022-10-12,cigarettes,200000,pieces,road,KG,KZ,profiling,network,nicotiana,
UZ-2022-N01,UZ,2022-10-20,cigarettes,150000,pieces,rail,KZ,UZ,x-ray,network,nicotiana,
KG-2022-N01,KG,2022-11-03,cigarettes,100000,pieces,road,CN,KG,intelligence,network,nicotiana,
TJ-2022-N01,TJ,2022-11-18,cigarettes,60000,pieces,road,AF,TJ,random,network,nicotiana,
AZ-2022-N01,AZ,2022-12-05,cigarettes,40000,pieces,sea-container,AE,AZ,profiling,network,nicotiana,
PK-2022-N01,PK,2022-12-12,hookah-tobacco,1200,kg,sea-container,AE,PK,pre-arrival,network,nicotiana,
KZ-2022-N02,KZ,2022-12-20,hookah-tobacco,300,kg,rail,CN,KZ,profiling,national,nicotiana,
# 237 tons of consumer goods
UA-2022-300,UA,2022-02-10,consumer-goods,120,t,sea-container,CN,UA,profiling,network,,
GE-2023-012,GE,2023-01-24,consumer-goods,67,t,sea-container,TR,GE,pre-arrival,network,,
KZ-2023-021,KZ,2023-02-14,consumer-goods,50000,kg,rail,CN,KZ,profiling,network,,
"""

#: Commodities whose demo seizures detained one person.
_DETAINED = ("heroin", "opium", "hashish")


def _reports() -> list[dict]:
    lines = [line for line in REPORTS_CSV.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@transaction.atomic
def seed(*, members) -> str:
    """Add the demo commodities, operation and seizure reports that are missing."""
    ensure_commodities()
    operation = None
    coordinator = members.get(NICOTIANA["coordinator"])
    if coordinator is not None:
        operation, created = Operation.objects.get_or_create(
            code=NICOTIANA["code"],
            defaults={
                "name": NICOTIANA["name"],
                "coordinating_member": coordinator,
                "starts_on": NICOTIANA["starts_on"],
                "ends_on": NICOTIANA["ends_on"],
                "target_categories": NICOTIANA["target_categories"],
                "description": NICOTIANA["description"],
            },
        )
        if created:
            operation.participating_members.set(
                [members[c] for c in NICOTIANA["participants"] if c in members]
            )
    member_ids = {code: m.pk for code, m in members.items()}
    existing = set(
        SeizureReport.objects.filter(reporting_member_id__in=member_ids.values()).values_list(
            "reporting_member_id", "reference"
        )
    )
    first_unit: dict[int, str] = {}
    for member_id, code in (
        ControlUnit.objects.filter(member_id__in=member_ids.values())
        .order_by("-code")
        .values_list("member_id", "code")
    ):
        first_unit[member_id] = code  # ordered backwards: the first code wins
    rows = []
    for number, report in enumerate(_reports(), start=2):
        member_id = member_ids.get(report["member"])
        if member_id is None or (member_id, report["reference"]) in existing:
            continue
        if report["operation"] and operation is None:
            continue
        report["control_unit"] = first_unit.get(member_id, "")
        report["persons_detained"] = "1" if report["commodity"] in _DETAINED else "0"
        rows.append((number, report))
    reports = seizures_validate(user=None, rows=rows, member_ids=member_ids.values())
    created = seizures_write(reports)
    return f"Seizures: {created} new demo reports, operation Nicotiana."
