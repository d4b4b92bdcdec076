"""Seizure reports, the commodity vocabulary, joint operations, import jobs and the
pre-aggregated totals, one module each; every model and choice is importable from here."""

from .imports import ImportCheckpoint, ImportJob, ImportStatus, _import_upload_to
from .operations import Operation
from .reports import SeizureReport
from .totals import SeizureRouteSum, SeizureRouteTotal, SeizureTotal
from .vocabulary import (
    BASE_UNITS,
    UNITS,
    Category,
    Commodity,
    DetectionMethod,
    Dimension,
    Sharing,
    TransportMode,
    Unit,
    normalise_quantity,
)

__all__ = [
    "BASE_UNITS",
    "UNITS",
    "Category",
    "Commodity",
    "DetectionMethod",
    "Dimension",
    "ImportCheckpoint",
    "ImportJob",
    "ImportStatus",
    "Operation",
    "SeizureReport",
    "SeizureRouteSum",
    "SeizureRouteTotal",
    "SeizureTotal",
    "Sharing",
    "TransportMode",
    "Unit",
    "_import_upload_to",
    "normalise_quantity",
]
