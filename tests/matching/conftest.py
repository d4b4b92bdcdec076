import datetime

import pytest

from exchange.indexing import query_index
from members.models import RoleName
from seizures.matching import seizure_report_index
from tests.factories.exchange import file_query
from tests.factories.members import member_user
from tests.factories.seizures import SeizureReportFactory

CONTAINER = "CSQU3054383"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analyst_uz(uz):
    return member_user(uz, RoleName.ANALYST, username="analyst.uz")


def kz_report(kz, *, sharing="national", index=True, **fields):
    """A KZ seizure report (national by default) carrying the demo identifiers, indexed."""
    data = {
        "reporting_member": kz,
        "reference": "KZ-SECRET-0001",
        "sharing": sharing,
        "container_number": CONTAINER,
        "consignee": "ТОО «Aktau Ceramics»",
        "seized_on": datetime.date(2026, 5, 12),
        "notes": "Informant: the driver",
    }
    data.update(fields)
    report = SeizureReportFactory(**data)
    if index:
        seizure_report_index(report=report)
    return report


def tj_query(author, *, handling_code="H1", recipients=("UZ",), **fields):
    data = {
        "handling_code": handling_code,
        "container_numbers": [CONTAINER],
        "consignee": "AKTAU CERAMICS, LLP",
        "subject": "TJ-CONFIDENTIAL subject",
    }
    if handling_code == "H3":
        data["handling_restrictions"] = "Do not pass on"
    data.update(fields)
    query = file_query(author, recipients=recipients, **data)
    query_index(query=query)
    return query
