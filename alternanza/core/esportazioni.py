"""What every spreadsheet export of the portal shares (CSV and XLSX files built from user data)."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV/XLSX injection).
INIZI_DI_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralizza_formula(valore: Any) -> Any:
    """A text that a spreadsheet would run as a formula, made plain text (a leading apostrophe)."""
    if isinstance(valore, str) and valore[:1] in INIZI_DI_FORMULA:
        return "'" + valore
    return valore
