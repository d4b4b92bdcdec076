"""Fixtures for the sign-in security tests: a member admin per country, a superuser, and a
helper that strips per-request noise (CSRF tokens) so two answers can be compared."""

import re

import pytest
from rest_framework.test import APIClient

from members.models import RoleName
from tests.factories.members import UserFactory, member_user

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def same_page(content: bytes) -> bytes:
    return CSRF.sub(b'name="csrfmiddlewaretoken" value=""', content)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def manager_kz(kz):
    return member_user(kz, RoleName.MEMBER_ADMIN, username="manager.kz")


@pytest.fixture
def manager_uz(uz):
    return member_user(uz, RoleName.MEMBER_ADMIN, username="manager.uz")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
