"""English as the UK and the EU write it: "2 December 2026", "Wednesday 9 December", 02/12/2026, 1,234.5."""

DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"  # 2 December 2026, 09:30
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"  # 2 December
SHORT_DATE_FORMAT = "d/m/Y"  # 02/12/2026, never the US 12/02/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# Portal's own names (also in formats/it).
GIORNO_FORMAT = "l j F"  # Wednesday 9 December
GIORNO_ANNO_FORMAT = "l j F Y"
GIORNO_ORA_FORMAT = "l j F Y, H:i"
SHORT_DATETIME_SECONDI_FORMAT = "d/m/Y H:i:s"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
