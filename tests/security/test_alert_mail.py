"""Alert mail carries no query content, checked on what a real SMTP server
on 127.0.0.1 receives: the reference, kind, priority, handling code, sender and the link;
never the body or a reply; the subject line only under H0 and H1."""

import pytest

from exchange import services
from tests.factories.exchange import file_query

pytestmark = pytest.mark.django_db

BODY = "The consignee Zarya LLC was named in the 2024 seizure of 2 tonnes."
REPLY = "Our officers found 40 cartons behind the napkins in container 7."
SUBJECT = "Cigarettes declared as paper napkins"


def _mail(smtp_server, index):
    message = smtp_server.messages[index]["message"]
    return message["Subject"], smtp_server.body(index)


@pytest.mark.parametrize("handling_code", ["H0", "H1", "H2", "H3"])
def test_alert_mail_names_the_query_but_carries_no_content(
    smtp_server, focal_kz, focal_uz, handling_code, django_capture_on_commit_callbacks
):
    extra = {"handling_restrictions": "Customs only."} if handling_code == "H3" else {}
    with django_capture_on_commit_callbacks(execute=True):
        query = file_query(
            focal_kz,
            recipients=["UZ"],
            handling_code=handling_code,
            subject=SUBJECT,
            body=BODY,
            kind="risk-alert",
            priority="high",
            **extra,
        )
    smtp_server.wait_for(1)
    subject, body = _mail(smtp_server, 0)
    assert smtp_server.messages[0]["to"] == [focal_uz.email]
    for expected in (
        query.reference,
        handling_code,
        query.get_kind_display(),
        query.get_priority_display(),
        query.sender_member.name,
        f"/queries/{query.pk}/",
    ):
        assert expected in body, expected
    assert query.reference in subject
    assert BODY not in body and "Zarya" not in body and "Zarya" not in subject
    assert "Customs only." not in body
    if handling_code in ("H0", "H1"):
        assert SUBJECT in subject and SUBJECT in body
    else:
        assert "napkins" not in subject and "napkins" not in body


@pytest.mark.parametrize("handling_code", ["H1", "H3"])
def test_reply_alert_mail_carries_no_reply(
    smtp_server, focal_kz, focal_uz, handling_code, django_capture_on_commit_callbacks
):
    extra = {"handling_restrictions": "Customs only."} if handling_code == "H3" else {}
    query = file_query(focal_kz, recipients=["UZ"], handling_code=handling_code, **extra)
    with django_capture_on_commit_callbacks(execute=True):
        services.query_reply(query=query, user=focal_uz, body=REPLY)
    smtp_server.wait_for(1)
    assert [m["to"] for m in smtp_server.messages] == [[focal_kz.email]]
    subject, body = _mail(smtp_server, 0)
    assert query.reference in subject and query.reference in body
    assert "40 cartons" not in body and "40 cartons" not in subject
    assert query.body not in body
