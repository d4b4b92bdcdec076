"""One list of what a query carries (``exchange.drafts``): the filing form, the API serializer
and the service take exactly those fields, so none of them can drift from the others."""

import pytest

from exchange import drafts
from exchange.api.serializers import QueryFileSerializer
from exchange.drafts import QueryDraft
from exchange.forms import QueryForm
from members.models import ControlUnit, MemberAdministration


def test_the_api_takes_exactly_the_draft_fields_and_the_hit_it_follows():
    assert set(QueryFileSerializer().fields) == set(drafts.FIELDS) | {"hit"}


@pytest.mark.django_db
def test_the_form_takes_exactly_the_draft_fields_and_the_hit_it_follows(kz):
    form = QueryForm(
        filing_members=MemberAdministration.objects.filter(pk=kz.pk),
        filing_units=ControlUnit.objects.none(),
    )
    assert set(form.fields) == set(drafts.FIELDS) | {"hit"}


def test_a_draft_from_data_keeps_only_what_a_query_carries():
    draft = QueryDraft.from_data({"subject": "S", "hit": 3, "csrfmiddlewaretoken": "x"})
    assert draft.subject == "S" and draft == QueryDraft(subject="S")


def test_every_field_is_in_exactly_one_group():
    names = [name for group in drafts.GROUPS for name in group]
    assert len(names) == len(set(names)) == len(drafts.FIELDS)
