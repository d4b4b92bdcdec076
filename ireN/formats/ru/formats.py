"""Russian date formats of the portal ("22.05.2019", "20.11.2026 14:05"); Django's defaults
fill in the rest."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
