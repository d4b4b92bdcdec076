"""Every write the seizures domain knows: seizure reports (one, or a whole file), import jobs,
operations and the commodity vocabulary. Views, API, tasks and the demo all call these.

One validator (``_RowValidator``) checks a seizure report whatever its source: a browser form,
an API call or a row of an imported file. It works from lookups fetched once, so a file of
100,000 rows costs a handful of queries, not one per row.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries
from stdnum import iso6346

from exchange import permissions as query_permissions
from members import permissions
from members.models import ControlUnit, MemberAdministration

from .models import (
    UNITS,
    Category,
    Commodity,
    DetectionMethod,
    Dimension,
    ImportJob,
    ImportStatus,
    Operation,
    SeizureReport,
    Sharing,
    TransportMode,
)

logger = logging.getLogger(__name__)

#: The columns of an import file, in the issue's order.
IMPORT_COLUMNS = [
    "reference",
    "seized_on",
    "member",
    "control_unit",
    "commodity",
    "quantity",
    "unit",
    "transport_mode",
    "origin_country",
    "destination_country",
    "container_number",
    "concealment",
    "detection_method",
    "persons_detained",
    "operation",
    "sharing",
]
REQUIRED_COLUMNS = IMPORT_COLUMNS  # every column must be present (cells may be empty)

#: How many row errors an import keeps and reports (the total is always given).
MAX_REPORTED_ERRORS = 500
_QUANTITY_MAX = Decimal("1000000000000")
_MONEY_MAX = Decimal("1000000000000")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY_CODES = frozenset(code for code, _name in countries)
# Computed once: an enum's .values builds a new list on every access.
_TRANSPORT_MODES = frozenset(TransportMode.values)
_DETECTION_METHODS = frozenset(DetectionMethod.values)
_SHARINGS = frozenset(Sharing.values)
_CHOOSE_TRANSPORT_MODE = gettext_lazy("Choose the transport mode.")


class ImportRejected(ValidationError):
    """A file was refused as a whole. ``row_errors`` lists ``{"row", "column", "message"}``
    (row numbers as a spreadsheet shows them: the header is row 1); ``error_count`` is the
    total number of problems, of which at most ``MAX_REPORTED_ERRORS`` are listed."""

    def __init__(self, row_errors: list[dict], error_count: int | None = None):
        self.row_errors = row_errors[:MAX_REPORTED_ERRORS]
        self.error_count = len(row_errors) if error_count is None else error_count
        super().__init__({"file": [self.summary]})

    @property
    def summary(self) -> str:
        return ngettext(
            "Nothing was imported: the file has %(count)s problem.",
            "Nothing was imported: the file has %(count)s problems.",
            self.error_count,
        ) % {"count": self.error_count}


# --- Reading one value -------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: None -> "", 123.0 (a spreadsheet number) -> "123"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _dimension_units(dimension: str) -> str:
    return ", ".join(u for u, (d, _f) in UNITS.items() if d == dimension)


def _dimensions_phrase(commodity: Commodity) -> str:
    labels = dict(Dimension.choices)
    return "; ".join(f"{labels[d]} ({_dimension_units(d)})" for d in commodity.dimensions)


@dataclass
class _OperationInfo:
    pk: int
    code: str
    member_ids: set[int] = field(default_factory=set)


class _RowValidator:
    """Checks seizure reports against lookups fetched once for the given user."""

    def __init__(self, *, user):
        self.user = user
        self.today = timezone.localdate()
        self.allowed_member_ids = permissions.member_ids(user, permissions.Right.REPORT_SEIZURES)
        self.members = {
            str(code): pk for pk, code in MemberAdministration.objects.values_list("pk", "code")
        }
        self.member_codes = {pk: code for code, pk in self.members.items()}
        self.control_units = {
            code.upper(): (pk, member_id)
            for pk, code, member_id in ControlUnit.objects.filter(
                member_id__in=self.allowed_member_ids
            ).values_list("pk", "code", "member_id")
        }
        self.commodities: dict[str, Commodity] = {}
        self.commodity_names: dict[str, Commodity] = {}
        for commodity in Commodity.objects.filter(active=True):
            self.commodities[commodity.code.lower()] = commodity
            self.commodity_names[commodity.name.lower()] = commodity
        self.operations: dict[str, _OperationInfo] = {}
        for pk, code, coordinator in Operation.objects.values_list(
            "pk", "code", "coordinating_member_id"
        ):
            self.operations[code.lower()] = _OperationInfo(
                pk=pk, code=code, member_ids={coordinator}
            )
        self._clean_transport_mode = partial(
            self._clean_choice,
            choices=TransportMode,
            codes=_TRANSPORT_MODES,
            required=True,
            missing_message=_CHOOSE_TRANSPORT_MODE,
        )
        self._clean_detection_method = partial(
            self._clean_choice,
            choices=DetectionMethod,
            codes=_DETECTION_METHODS,
            required=False,
            missing_message="",
        )
        by_pk = {info.pk: info for info in self.operations.values()}
        through = Operation.participating_members.through
        for operation_id, member_id in through.objects.values_list(
            "operation_id", "memberadministration_id"
        ):
            by_pk[operation_id].member_ids.add(member_id)

    # Each ``_clean_*`` returns the value or raises ValueError with the message to show.

    def _clean_reference(self, value):
        value = _text(value)
        if not value:
            raise ValueError(_("Enter the member's reference for the seizure."))
        if len(value) > 50:
            raise ValueError(_("A reference has at most 50 characters."))
        return value

    def _clean_seized_on(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            text = _text(value)
            if not text:
                raise ValueError(_("Enter the date of the seizure (YYYY-MM-DD)."))
            try:
                if not _DATE_RE.match(text):
                    raise ValueError
                value = date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": text}
                ) from None
        if value > self.today:
            raise ValueError(_("The date of the seizure cannot be in the future."))
        return value

    def _clean_member(self, value):
        code = _text(value).upper()
        if not code:
            raise ValueError(_("Enter the reporting member's country code."))
        member_id = self.members.get(code)
        if member_id is None:
            raise ValueError(_("“%(code)s” is not a member of the network.") % {"code": code})
        if member_id not in self.allowed_member_ids:
            raise ValueError(_("You may not report seizures for %(code)s.") % {"code": code})
        return member_id

    def _clean_control_unit(self, value, member_id):
        code = _text(value).upper()
        if not code:
            return None
        unit = self.control_units.get(code)
        if unit is None:
            raise ValueError(_("“%(code)s” is not a known control unit.") % {"code": code})
        if member_id is not None and unit[1] != member_id:
            raise ValueError(
                _("The control unit %(code)s belongs to another member.") % {"code": code}
            )
        return unit[0]

    def _clean_commodity(self, value):
        text = _text(value)
        if not text:
            raise ValueError(_("Enter the commodity's code or name."))
        commodity = self.commodities.get(text.lower()) or self.commodity_names.get(text.lower())
        if commodity is None:
            raise ValueError(
                _("“%(value)s” is not a commodity of the vocabulary.") % {"value": text}
            )
        return commodity

    def _clean_quantity(self, value):
        if isinstance(value, float):
            # A spreadsheet's binary fraction (0.30000000000000004): six places are plenty to
            # tell a real fourth decimal from noise.
            text = f"{value:.6f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = _text(value)
        if not text:
            raise ValueError(_("Enter the quantity."))
        try:
            quantity = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number; use a point as the decimal separator.")
                % {"value": text}
            ) from None
        if not quantity.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if quantity <= 0:
            raise ValueError(_("The quantity must be greater than zero."))
        if quantity >= _QUANTITY_MAX:
            raise ValueError(_("The quantity is too large."))
        if quantity != quantity.quantize(Decimal("0.001")):
            raise ValueError(_("The quantity has at most three decimal places."))
        return quantity.quantize(Decimal("0.001"))

    def _clean_unit(self, value):
        unit = _text(value).lower()
        if not unit:
            raise ValueError(_("Enter the unit."))
        if unit not in UNITS:
            raise ValueError(
                _("“%(value)s” is not a unit; use one of %(units)s.")
                % {"value": _text(value), "units": ", ".join(UNITS)}
            )
        return unit

    def _clean_choice(self, value, choices, *, codes, required, missing_message):
        code = _text(value).lower()
        if not code:
            if required:
                raise ValueError(str(missing_message))
            return ""
        if code not in codes:
            raise ValueError(
                _("“%(value)s” is not one of %(codes)s.")
                % {"value": _text(value), "codes": ", ".join(choices.values)}
            )
        return code

    def _clean_country(self, value):
        code = _text(value).upper()
        if not code:
            return ""
        if code not in _COUNTRY_CODES:
            raise ValueError(
                _("“%(code)s” is not an ISO 3166-1 alpha-2 country code.") % {"code": code}
            )
        return code

    def _clean_countries(self, value):
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,;]+", value) if v]
        codes = []
        for item in value or []:
            code = self._clean_country(item)
            if code and code not in codes:
                codes.append(code)
        return codes

    def _clean_container_number(self, value):
        text = re.sub(r"[\s\-]", "", _text(value)).upper()
        if not text:
            return ""
        if not iso6346.is_valid(text):
            raise ValueError(
                _("“%(value)s” is not a valid ISO 6346 container number.") % {"value": _text(value)}
            )
        return text

    def _clean_persons_detained(self, value):
        text = _text(value)
        if not text:
            return 0
        try:
            number = int(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if number < 0:
            raise ValueError(_("The number of persons detained cannot be negative."))
        if number > 100000:
            raise ValueError(_("The number of persons detained is too large."))
        return number

    def _clean_operation(self, value, member_id):
        code = _text(value).lower()
        if not code:
            return None
        info = self.operations.get(code)
        if info is None:
            raise ValueError(_("“%(code)s” is not a known operation.") % {"code": _text(value)})
        if member_id is not None and member_id not in info.member_ids:
            raise ValueError(
                _("%(member)s does not take part in the operation %(code)s.")
                % {"member": self.member_codes.get(member_id, ""), "code": info.code}
            )
        return info.pk

    def _clean_sharing(self, value):
        code = _text(value).lower()
        if not code:
            return Sharing.NATIONAL
        if code not in _SHARINGS:
            raise ValueError(
                _("“%(value)s” is not one of %(codes)s.")
                % {"value": _text(value), "codes": ", ".join(Sharing.values)}
            )
        return code

    def _clean_text(self, value, max_length):
        text = _text(value)
        if len(text) > max_length:
            raise ValueError(_("At most %(max)s characters are allowed.") % {"max": max_length})
        return text

    def _clean_money(self, value):
        text = _text(value)
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": text}) from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(_("The amount cannot be negative."))
        if amount >= _MONEY_MAX:
            raise ValueError(_("The amount is too large."))
        return amount.quantize(Decimal("0.01"))

    def clean(self, data: dict, *, extra: bool = False) -> tuple[dict, dict[str, str]]:
        """Check one report. Returns (model field values, {column: message})."""
        values: dict = {}
        errors: dict[str, str] = {}

        def run(column, func, *args):
            try:
                return func(data.get(column), *args)
            except ValueError as error:
                errors[column] = str(error)
                return None

        values["reference"] = run("reference", self._clean_reference)
        values["seized_on"] = run("seized_on", self._clean_seized_on)
        member_id = run("member", self._clean_member)
        values["reporting_member_id"] = member_id
        values["control_unit_id"] = run("control_unit", self._clean_control_unit, member_id)
        commodity = run("commodity", self._clean_commodity)
        quantity = run("quantity", self._clean_quantity)
        unit = run("unit", self._clean_unit)
        values["transport_mode"] = run("transport_mode", self._clean_transport_mode)
        values["origin_country"] = run("origin_country", self._clean_country)
        values["destination_country"] = run("destination_country", self._clean_country)
        values["container_number"] = run("container_number", self._clean_container_number)
        values["concealment"] = run("concealment", self._clean_text, 200)
        values["detection_method"] = run("detection_method", self._clean_detection_method)
        values["persons_detained"] = run("persons_detained", self._clean_persons_detained)
        values["operation_id"] = run("operation", self._clean_operation, member_id)
        values["sharing"] = run("sharing", self._clean_sharing)
        if extra:
            values["vessel_or_flight"] = run("vessel_or_flight", self._clean_text, 100)
            values["vehicle"] = run("vehicle", self._clean_text, 100)
            values["estimated_value_usd"] = run("estimated_value_usd", self._clean_money)
            values["revenue_recovered_usd"] = run("revenue_recovered_usd", self._clean_money)
            values["transit_countries"] = run("transit_countries", self._clean_countries)
            values["notes"] = run("notes", self._clean_text, 5000)
        if commodity is not None and unit is not None:
            dimension, factor = UNITS[unit]
            if not commodity.allows(dimension):
                errors["unit"] = _(
                    "%(commodity)s cannot be reported in %(unit)s; use a unit of: %(dimensions)s."
                ) % {
                    "commodity": commodity.name,
                    "unit": unit,
                    "dimensions": _dimensions_phrase(commodity),
                }
            elif quantity is not None:
                values["quantity_base"] = (quantity * factor).quantize(Decimal("0.000000001"))
                values["dimension"] = str(dimension)
        values["commodity_id"] = commodity.pk if commodity is not None else None
        values["quantity"] = quantity
        values["unit"] = unit
        return values, errors


def _reference_taken(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (member id, reference) pairs already exist: one query per member and 900 refs
    (SQLite allows at most 999 parameters)."""
    by_member: dict[int, list[str]] = {}
    for member_id, reference in pairs:
        by_member.setdefault(member_id, []).append(reference)
    taken: set[tuple[int, str]] = set()
    for member_id, references in by_member.items():
        for start in range(0, len(references), 900):
            chunk = references[start : start + 900]
            taken.update(
                (member_id, ref)
                for ref in SeizureReport.objects.filter(
                    reporting_member_id=member_id, reference__in=chunk
                ).values_list("reference", flat=True)
            )
    return taken


# --- One report ------------------------------------------------------------------------------


@transaction.atomic
def seizure_report_create(*, user, data: dict) -> SeizureReport:
    """Create one seizure report from the values a person entered (codes as in an import file,
    plus ``vessel_or_flight``, ``vehicle``, ``estimated_value_usd``, ``revenue_recovered_usd``,
    ``transit_countries``, ``notes`` and ``query``). Raises a field-keyed ``ValidationError``.
    """
    validator = _RowValidator(user=user)
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
        raise ValidationError({column: [message] for column, message in errors.items()})
    report = SeizureReport(**values, created_by=user)
    if query_id is not None:
        report.query_id = query_id
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {"reference": [_("The member already has a seizure report with this reference.")]}
        ) from None
    return report


def _linked_query_id(*, user, value) -> int:
    """The id of an urgent query the user may see, for linking a seizure to it."""
    if not hasattr(SeizureReport, "query"):
        raise ValueError(_("Linking urgent queries is not available yet."))
    try:
        query_id = int(str(value).strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not a query id.") % {"value": value}) from None
    if not query_permissions.restrict_queries(user).filter(pk=query_id).exists():
        raise ValueError(_("No urgent query %(id)s is visible to you.") % {"id": query_id})
    return query_id


# --- A whole file ----------------------------------------------------------------------------


def _detect_format(content: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if content[:2] == b"PK" or name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".txt")) or not name or "." not in name:
        return "csv"
    raise ImportRejected([{"row": 0, "column": "", "message": _("Upload a CSV or XLSX file.")}])


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The CSV file is not encoded in UTF-8.")}]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file is not a readable XLSX workbook.")}]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_import_file(content: bytes, filename: str = "") -> list[tuple[int, dict]]:
    """Parse a CSV or XLSX file into (row number, {column: cell}) pairs, skipping empty rows.
    Raises ``ImportRejected`` when the file or its header is unusable."""
    rows = (
        _xlsx_rows(content) if _detect_format(content, filename) == "xlsx" else _csv_rows(content)
    )
    try:
        header = next(rows)
    except StopIteration:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file is empty.")}]
        ) from None
    except csv.Error as error:
        raise ImportRejected([{"row": 1, "column": "", "message": str(error)}]) from None
    columns = [_text(c).lower() for c in header]
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            {
                "row": 1,
                "column": ", ".join(missing),
                "message": _("The header lacks the column(s) %(columns)s.")
                % {"columns": ", ".join(missing)},
            }
        )
    unknown = [c for c in columns if c and c not in IMPORT_COLUMNS]
    if unknown:
        problems.append(
            {
                "row": 1,
                "column": ", ".join(unknown),
                "message": _("Unknown column(s) %(columns)s; the columns are: %(expected)s.")
                % {"columns": ", ".join(unknown), "expected": ", ".join(IMPORT_COLUMNS)},
            }
        )
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        problems.append(
            {
                "row": 1,
                "column": ", ".join(duplicated),
                "message": _("The column(s) %(columns)s appear more than once.")
                % {"columns": ", ".join(duplicated)},
            }
        )
    if problems:
        raise ImportRejected(problems)
    parsed = []
    try:
        for number, row in enumerate(rows, start=2):
            if not any(_text(cell) for cell in row):
                continue
            parsed.append((number, dict(zip(columns, row, strict=False))))
    except csv.Error as error:
        raise ImportRejected(
            [{"row": len(parsed) + 2, "column": "", "message": str(error)}]
        ) from None
    if not parsed:
        raise ImportRejected(
            [{"row": 0, "column": "", "message": _("The file has no seizure reports.")}]
        )
    return parsed


def seizures_validate(
    *, user, rows: list[tuple[int, dict]], progress: Callable[[int], None] | None = None
) -> list[dict]:
    """Check every row of an import (no writes). Returns the field values of each report, or
    raises ``ImportRejected`` naming each bad row, column and reason."""
    validator = _RowValidator(user=user)
    problems: list[dict] = []
    reports: list[dict] = []
    seen: dict[tuple[int, str], int] = {}
    for index, (number, data) in enumerate(rows, start=1):
        values, errors = validator.clean(data)
        for column in IMPORT_COLUMNS:
            if column in errors:
                problems.append({"row": number, "column": column, "message": errors[column]})
        if values["reference"] and values["reporting_member_id"]:
            key = (values["reporting_member_id"], values["reference"])
            if key in seen:
                problems.append(
                    {
                        "row": number,
                        "column": "reference",
                        "message": _("The reference %(reference)s is already used in row %(row)s.")
                        % {"reference": key[1], "row": seen[key]},
                    }
                )
            else:
                seen[key] = number
        if not errors:
            values["created_by_id"] = user.pk
            reports.append(values)
        if progress is not None and index % 1000 == 0:
            progress(index)
    taken = _reference_taken(seen)
    if taken:
        for (member_id, reference), number in seen.items():
            if (member_id, reference) in taken:
                problems.append(
                    {
                        "row": number,
                        "column": "reference",
                        "message": _("%(member)s already has a seizure report %(reference)s.")
                        % {"member": validator.member_codes[member_id], "reference": reference},
                    }
                )
    if problems:
        problems.sort(
            key=lambda p: (
                p["row"],
                IMPORT_COLUMNS.index(p["column"]) if p["column"] in IMPORT_COLUMNS else -1,
            )
        )
        raise ImportRejected(problems)
    if progress is not None:
        progress(len(rows))
    return reports


#: Columns written by COPY, with the value for those an import does not set.
_COPY_DEFAULTS = {
    "vessel_or_flight": "",
    "vehicle": "",
    "estimated_value_usd": None,
    "revenue_recovered_usd": None,
    "transit_countries": "",
    "notes": "",
    "query_id": None,
}


def _copy_cell(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _copy_reports(reports: list[dict]) -> None:
    """PostgreSQL: stream the rows with COPY, several times faster than INSERTs."""
    now = timezone.now().isoformat()
    fields = list(reports[0].keys())
    columns = [*fields, *_COPY_DEFAULTS.keys(), "created_at"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    tail = [_copy_cell(v) for v in _COPY_DEFAULTS.values()]
    for values in reports:
        writer.writerow([*(_copy_cell(values[f]) for f in fields), *tail, now])
    buffer.seek(0)
    table = SeizureReport._meta.db_table
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


@transaction.atomic
def _seizures_write(reports: list[dict]) -> int:
    """Write checked reports in one transaction (COPY on PostgreSQL, bulk INSERTs
    elsewhere)."""
    if not reports:
        return 0
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_reports(reports)
            else:
                SeizureReport.objects.bulk_create(
                    [SeizureReport(**values) for values in reports], batch_size=2000
                )
    except IntegrityError:
        # Another import took one of these references between validation and writing.
        raise ImportRejected(
            [
                {
                    "row": 0,
                    "column": "reference",
                    "message": _(
                        "A reference in the file was taken while it was imported; "
                        "nothing was imported. Try again."
                    ),
                }
            ]
        ) from None
    return len(reports)


def seizures_import(
    *,
    user,
    content: bytes,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Import a CSV or XLSX file of seizure reports: every row is checked before anything is
    written, then all rows go in, in one transaction, or none (``ImportRejected``). Returns the
    number imported."""
    rows = read_import_file(content, filename)
    reports = seizures_validate(user=user, rows=rows, progress=progress)
    return _seizures_write(reports)


# --- Import jobs (the browser's path, with a progress bar for large files) ---------------------


def count_rows(content: bytes, filename: str = "") -> int:
    """A cheap estimate of the number of data rows, to decide between now and Celery."""
    try:
        kind = _detect_format(content, filename)
    except ImportRejected:
        return 0
    if kind == "csv":
        return max(0, content.count(b"\n") - 1)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.max_row
        if not rows or rows <= 1:
            # Some writers leave out the sheet's dimension: count the rows themselves.
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        workbook.close()
        return max(0, rows - 1)
    except Exception:  # a damaged file is reported by the import itself
        return 0


@transaction.atomic
def import_job_create(*, user, content: bytes, filename: str) -> ImportJob:
    """Store an uploaded file as an import job. Small files are imported at once (in this
    request); larger ones (over ``SEIZURES_IMPORT_SYNC_MAX_ROWS`` rows) by a Celery task,
    queued when this transaction commits, which updates the job's progress as it goes."""
    if not permissions.member_ids(user, permissions.Right.REPORT_SEIZURES):
        raise ValidationError({"file": [_("You may not import seizure reports.")]})
    total = count_rows(content, filename)
    job = ImportJob(created_by=user, filename=filename[:255], total_rows=total)
    job.file.save(filename or "import.csv", ContentFile(content), save=False)
    job.save()
    if total > settings.SEIZURES_IMPORT_SYNC_MAX_ROWS:
        transaction.on_commit(lambda: _import_job_enqueue(job.pk))
    else:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _import_job_enqueue(job_id: int) -> None:
    """Hand the job to a worker; if the broker cannot be reached, import it here rather than
    leave it waiting (the upload is already stored, so nothing is lost either way)."""
    from .tasks import run_seizure_import

    try:
        run_seizure_import.delay(job_id)
    except Exception:  # kombu raises several kinds of connection errors
        logger.exception("Broker unreachable: import job %s runs in the request", job_id)
        import_job_run(job_id=job_id)


def import_job_run(*, job_id: int) -> None:
    """Run one import job. Safe to call twice: only a waiting job (or one whose worker died
    long ago, which wrote nothing since writing and finishing are one transaction) is
    claimed."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ImportStatus.PENDING) | Q(status=ImportStatus.RUNNING, started_at__lt=stale)
        )
        .update(status=ImportStatus.RUNNING, started_at=now, processed_rows=0)
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    user = job.created_by

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        rows = read_import_file(content, job.filename)
        ImportJob.objects.filter(pk=job_id).update(total_rows=len(rows))
        reports = seizures_validate(user=user, rows=rows, progress=progress)
        with transaction.atomic():
            imported = _seizures_write(reports)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.SUCCEEDED,
                imported=imported,
                processed_rows=len(rows),
                errors=[],
                finished_at=timezone.now(),
            )
    except ImportRejected as rejected:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            imported=0,
            errors={"count": rejected.error_count, "rows": rejected.row_errors},
            finished_at=timezone.now(),
        )
    except Exception:
        if transaction.get_connection().in_atomic_block:
            raise  # in a request: its transaction is broken, let it fail whole
        # In a worker: nothing was written (the write and the success mark are one
        # transaction); tell the uploader rather than leave the progress bar spinning.
        logger.exception("Seizure import job %s failed", job_id)
        message = _("The import stopped on an unexpected error; nothing was imported. Try again.")
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            imported=0,
            errors={"count": 1, "rows": [{"row": 0, "column": "", "message": message}]},
            finished_at=timezone.now(),
        )


def import_jobs_resume() -> int:
    """Queue again the jobs nobody is working on: waiting for more than two minutes (the
    broker lost the message) or running past the lease (the worker died). Returns how many."""
    from .tasks import run_seizure_import

    now = timezone.now()
    stale = now - timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
    job_ids = list(
        ImportJob.objects.filter(
            Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(minutes=2))
            | Q(status=ImportStatus.RUNNING, started_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    for job_id in job_ids:
        run_seizure_import.delay(job_id)
    return len(job_ids)


# --- Operations --------------------------------------------------------------------------------


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
    errors: dict[str, list[str]] = {}
    if coordinating_member is None:
        errors["coordinating_member"] = [_("Choose the coordinating member.")]
    elif coordinating_member.pk not in permissions.operation_coordinator_member_ids(user):
        errors["coordinating_member"] = [
            _("You may not coordinate operations for %(code)s.")
            % {"code": coordinating_member.code}
        ]
    code = (code or "").strip().lower()
    if not code:
        errors["code"] = [_("Enter the operation's code.")]
    elif not re.fullmatch(r"[a-z0-9][a-z0-9\-_]*", code) or len(code) > 50:
        errors["code"] = [_("A code has letters, digits and hyphens only, e.g. nicotiana.")]
    elif Operation.objects.filter(code=code).exists():
        errors["code"] = [_("An operation with the code %(code)s exists.") % {"code": code}]
    if not (name or "").strip():
        errors["name"] = [_("Enter the operation's name.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The operation cannot end before it starts.")]
    categories = [c for c in target_categories if c]
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        errors["target_categories"] = [
            _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    if not starts_on:
        errors["starts_on"] = [_("Enter the start date.")]
    if not ends_on:
        errors["ends_on"] = [_("Enter the end date.")]
    if errors:
        raise ValidationError(errors)
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
    return operation


# --- The commodity vocabulary ----------------------------------------------------------------


@transaction.atomic
def commodity_create(
    *, user, code: str, name: str, category: str, dimensions: Iterable[str]
) -> Commodity:
    """Add a commodity to the controlled vocabulary (network admins)."""
    if not permissions.may_manage_vocabularies(user):
        raise ValidationError(_("Only network admins extend the commodity vocabulary."))
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
        raise ValidationError(errors)
    return Commodity.objects.create(
        code=code,
        name=name,
        category=category,
        allows_mass=Dimension.MASS in dimensions,
        allows_volume=Dimension.VOLUME in dimensions,
        allows_count=Dimension.COUNT in dimensions,
    )
