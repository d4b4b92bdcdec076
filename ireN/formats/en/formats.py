"""English date formats of the portal: one unambiguous day-month-year form everywhere
("22 May 2019", "20 Nov 2026, 14:05"); Django's defaults fill in the rest."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
