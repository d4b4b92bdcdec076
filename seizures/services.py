"""Every write the seizures domain knows, in one place for callers: one seizure report,
operations and the commodity vocabulary here; whole files and import jobs from
``seizures.importing`` and ``seizures.import_jobs`` (re-exported below). Views, API, tasks and
the demo all call these.

Every report, whatever its source, is checked by ``seizures.validation.SeizureValidator``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import Invalid
from matching.hits import hits_confirm_for_query
from members.models import MemberAdministration

from . import permissions
from .auditing import operation_create_record, seizure_create_record, vocabulary_change_record
from .cells import control_character_message, has_control_characters
from .columns import IMPORT_COLUMNS
from .import_jobs import (
    ImportInterrupted,
    import_job_create,
    import_job_fail,
    import_job_run,
    import_jobs_resume,
)
from .importing import (
    ImportRejected,
    import_size_check,
    read_import_file,
    seizures_import,
    seizures_validate,
    seizures_write,
)
from .matching import seizure_report_index
from .models import Category, Commodity, Dimension, Operation, SeizureReport
from .releasing import (
    import_job_release,
    import_job_return,
    report_release_state,
    seizure_held_alert,
    seizure_report_release,
    seizure_report_return,
)
from .totals import totals_add
from .validation import SeizureValidator

__all__ = [
    "IMPORT_COLUMNS",
    "ImportInterrupted",
    "ImportRejected",
    "commodity_create",
    "import_job_create",
    "import_job_fail",
    "import_job_run",
    "import_jobs_resume",
    "import_size_check",
    "operation_create",
    "read_import_file",
    "import_job_release",
    "import_job_return",
    "seizure_report_create",
    "seizure_report_release",
    "seizure_report_return",
    "seizures_import",
    "seizures_validate",
    "seizures_write",
]


# --- One report ------------------------------------------------------------------------------


@transaction.atomic
def seizure_report_create(*, user, data: dict) -> SeizureReport:
    """Create one seizure report from the values a person entered (codes as in an import file,
    plus ``vessel_or_flight``, ``vehicle``, ``estimated_value_usd``, ``revenue_recovered_usd``,
    ``transit_countries``, ``notes`` and ``query``). Raises a field-keyed ``ValidationError``.
    """
    validator = SeizureValidator(user=user)
    values, errors = validator.clean(data, extra=True)
    query_id = None
    if data.get("query") not in (None, ""):
        try:
            query_id = _linked_query_id(user=user, value=data.get("query"))
        except ValueError as error:
            errors["query"] = str(error)
    if (
        not errors
        and SeizureReport.objects.filter(
            reporting_member_id=values["reporting_member_id"], reference=values["reference"]
        ).exists()
    ):
        errors["reference"] = _("%(member)s already has a seizure report %(reference)s.") % {
            "member": validator.member_codes[values["reporting_member_id"]],
            "reference": values["reference"],
        }
    if errors:
        raise Invalid({column: [message] for column, message in errors.items()})
    report = SeizureReport(**values, created_by=user)
    report.release_state = report_release_state(
        member_id=report.reporting_member_id, sharing=report.sharing
    )
    if query_id is not None:
        report.query_id = query_id
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Invalid(
            {"reference": [_("The member already has a seizure report with this reference.")]}
        ) from None
    if not report.is_released:
        # In no total, no index, no hit until a releaser releases it.
        seizure_held_alert(report=report, author=user)
        seizure_create_record(user=user, report=report)
        return report
    totals_add([report])
    seizure_report_index(report=report, new=True)
    if report.query_id is not None:
        # The follow-up query of a hit now has its seizure: the hit is confirmed.
        hits_confirm_for_query(query_id=report.query_id, user=user, seizure_report_id=report.pk)
    seizure_create_record(user=user, report=report)
    return report


def _linked_query_id(*, user, value) -> int:
    """The id of an urgent query the user may see, for linking a seizure to it."""
    if has_control_characters(value):
        raise ValueError(control_character_message())
    try:
        query_id = int(str(value).strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not a query id.") % {"value": value}) from None
    if not permissions.may_link_query(user, query_id):
        raise ValueError(_("No urgent query %(id)s is visible to you.") % {"id": query_id})
    return query_id


# --- Operations --------------------------------------------------------------------------------


def _operation_code_error(code: str) -> str | None:
    """What is wrong with a new operation's (normalised) code, if anything."""
    if not code:
        return _("Enter the operation's code.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-_]*", code) or len(code) > 50:
        return _("A code has letters, digits and hyphens only, e.g. nicotiana.")
    if Operation.objects.filter(code=code).exists():
        return _("An operation with the code %(code)s exists.") % {"code": code}
    return None


def _operation_errors(
    *, user, code, name, coordinating_member, starts_on, ends_on, categories
) -> dict[str, list[str]]:
    """Every problem of a new operation, by field."""
    errors: dict[str, list[str]] = {}
    if coordinating_member is None:
        errors["coordinating_member"] = [_("Choose the coordinating member.")]
    elif not permissions.may_coordinate_operation(user, coordinating_member):
        errors["coordinating_member"] = [
            _("You may not coordinate operations for %(code)s.")
            % {"code": coordinating_member.code}
        ]
    code_error = _operation_code_error(code)
    if code_error is not None:
        errors["code"] = [code_error]
    if not (name or "").strip():
        errors["name"] = [_("Enter the operation's name.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The operation cannot end before it starts.")]
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        errors["target_categories"] = [
            _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    if not starts_on:
        errors["starts_on"] = [_("Enter the start date.")]
    if not ends_on:
        errors["ends_on"] = [_("Enter the end date.")]
    return errors


@transaction.atomic
def operation_create(
    *,
    user,
    code: str,
    name: str,
    coordinating_member: MemberAdministration,
    participating_members: Iterable[MemberAdministration] = (),
    starts_on: date,
    ends_on: date,
    target_categories: Iterable[str] = (),
    description: str = "",
) -> Operation:
    """Create a joint operation. Its coordinating member's focal points and member admins, and
    network admins, may do so; the coordinator always takes part."""
    code = (code or "").strip().lower()
    categories = [c for c in target_categories if c]
    errors = _operation_errors(
        user=user,
        code=code,
        name=name,
        coordinating_member=coordinating_member,
        starts_on=starts_on,
        ends_on=ends_on,
        categories=categories,
    )
    if errors:
        raise Invalid(errors)
    operation = Operation.objects.create(
        code=code,
        name=name.strip(),
        coordinating_member=coordinating_member,
        starts_on=starts_on,
        ends_on=ends_on,
        target_categories=categories,
        description=(description or "").strip(),
        created_by=user,
    )
    members = {m.pk: m for m in participating_members}
    members[coordinating_member.pk] = coordinating_member
    operation.participating_members.set(members.values())
    operation_create_record(user=user, operation=operation)
    return operation


# --- The commodity vocabulary ----------------------------------------------------------------


@transaction.atomic
def commodity_create(
    *, user, code: str, name: str, category: str, dimensions: Iterable[str]
) -> Commodity:
    """Add a commodity to the controlled vocabulary (network admins)."""
    if not permissions.may_manage_commodities(user):
        raise Invalid(_("Only network admins extend the commodity vocabulary."))
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().lower()
    name = (name or "").strip()
    dimensions = [d for d in dimensions if d]
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", code or "") or len(code) > 50:
        errors["code"] = [_("A code has lower-case letters, digits and hyphens, e.g. heroin.")]
    elif Commodity.objects.filter(code=code).exists():
        errors["code"] = [_("The commodity %(code)s exists already.") % {"code": code}]
    if not name:
        errors["name"] = [_("Enter the commodity's name.")]
    elif Commodity.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("A commodity with this name exists already.")]
    if category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if not dimensions:
        errors["dimensions"] = [_("Choose at least one dimension.")]
    elif any(d not in Dimension.values for d in dimensions):
        errors["dimensions"] = [_("Choose among mass, volume and count.")]
    if errors:
        raise Invalid(errors)
    commodity = Commodity.objects.create(
        code=code,
        name=name,
        category=category,
        allows_mass=Dimension.MASS in dimensions,
        allows_volume=Dimension.VOLUME in dimensions,
        allows_count=Dimension.COUNT in dimensions,
    )
    vocabulary_change_record(user=user, commodity=commodity, created=True)
    return commodity
