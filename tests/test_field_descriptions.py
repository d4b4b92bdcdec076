"""A form sent back with errors describes each field by its help text and its errors: every id
a field's ``aria-describedby`` names is on the page, so a screen reader reads the error with
the field it belongs to."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DESCRIBED_BY = re.compile(r'aria-describedby="([^"]+)"')


def _dangling(html: str) -> tuple[list[str], list[str]]:
    named = [name for names in DESCRIBED_BY.findall(html) for name in names.split()]
    return named, [name for name in named if f'id="{name}"' not in html]


@pytest.mark.parametrize(
    ("who", "url", "data"),
    [
        ("analyst_kz", "seizures:report-new", {"quantity": "2,5,5", "seized_on": "2999-12-31"}),
        ("focal_kz", "exchange:file", {"subject": "", "container_numbers": "MSKU1234"}),
    ],
)
def test_every_description_a_field_names_is_on_the_page(client, request, who, url, data):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse(url), data)
    assert response.status_code == 200
    html = response.content.decode()
    named, dangling = _dangling(html)
    # The errors are among the descriptions, and none of them points at nothing.
    assert any(name.endswith("_error") for name in named)
    assert dangling == []
