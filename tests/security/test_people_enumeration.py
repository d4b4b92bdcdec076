"""Finding 11: the people form's uniqueness errors do not tell a member admin who exists in
another member. The answer for a clash with another member's person is the same as for a clash
with one's own person (and says nothing of where or whom)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.models import RoleName
from tests.factories.members import UserFactory, member_user

User = get_user_model()


@pytest.fixture
def people(kz, uz):
    return {
        "own": UserFactory(username="clash.own", email="clash.own@kz.example", member=kz),
        "foreign": UserFactory(
            username="clash.foreign", email="clash.foreign@uz.example", member=uz
        ),
        "secretariat": UserFactory(
            username="clash.secretariat", email="clash.secretariat@iren.example", member=None
        ),
    }


def add_person(client, **values):
    data = {
        "username": "brand.new",
        "email": "brand.new@kz.example",
        "roles": [RoleName.ANALYST],
        "is_active": "on",
    }
    data.update(values)
    return client.post(reverse("member-person-new", args=["KZ"]), data)


@pytest.mark.parametrize("field", ["username", "email"])
def test_a_clash_anywhere_gets_the_same_answer_as_a_clash_at_home(client, admin_kz, people, field):
    client.force_login(admin_kz)
    answers = {}
    for where, person in people.items():
        value = getattr(person, field).upper() if field == "email" else getattr(person, field)
        response = add_person(client, **{field: value})
        assert response.status_code == 200
        answers[where] = response.context["form"].errors.as_data()
    messages = {
        where: [m for e in errors[field] for m in e.messages] for where, errors in answers.items()
    }
    assert messages["foreign"] == messages["own"] == messages["secretariat"]
    assert set(answers["foreign"]) == {field}
    assert User.objects.filter(username="brand.new").count() == 0


@pytest.mark.parametrize("field", ["username", "email"])
def test_the_answer_names_neither_the_person_nor_their_member(client, admin_kz, people, field):
    client.force_login(admin_kz)
    foreign = people["foreign"]
    response = add_person(client, **{field: getattr(foreign, field)})
    page = response.content.decode()
    message = " ".join(response.context["form"].errors[field])
    assert "exist" not in message.lower()
    assert "Uzbekistan" not in page and "UZ" not in message
    assert foreign.username not in message and foreign.email not in message


def test_editing_gets_the_same_answer_for_a_foreign_clash(client, admin_kz, kz, people):
    analyst = member_user(kz, RoleName.ANALYST, username="analyst.kz")
    client.force_login(admin_kz)
    url = reverse("member-person-edit", args=["KZ", analyst.pk])
    base = {"username": analyst.username, "email": analyst.email, "roles": ["analyst"]}
    own = client.post(url, {**base, "username": "clash.own"}).context["form"].errors
    foreign = client.post(url, {**base, "username": "clash.foreign"}).context["form"].errors
    assert own == foreign
    analyst.refresh_from_db()
    assert analyst.username == "analyst.kz"


def test_an_unused_username_and_email_are_accepted(client, admin_kz, people):
    client.force_login(admin_kz)
    assert add_person(client).status_code == 302
    assert User.objects.filter(username="brand.new").exists()
