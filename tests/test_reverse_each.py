"""``core.urls.reverse_each`` writes what ``reverse`` writes, row by row."""

import pytest
from django.urls import reverse

from core.urls import reverse_each


@pytest.mark.parametrize("viewname", ["exchange:detail", "seizures:report-detail"])
def test_each_path_is_the_one_reverse_gives(viewname):
    values = [1, 42, 918273645, 10**12]
    assert reverse_each(viewname, values) == [reverse(viewname, args=[v]) for v in values]


def test_no_rows_no_paths():
    assert reverse_each("exchange:detail", []) == []
