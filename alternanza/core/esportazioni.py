"""What every file the portal writes for spreadsheets shares (office exports, import errors, open data).

`neutralizza_formula`: a cell whose text starts with =, +, -, @, tab or CR is what Excel and LibreOffice
run as a formula (CSV/XLSX injection); it is written with a leading apostrophe, shown as typed.
"""

from __future__ import annotations

from typing import Any

INIZI_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralizza_formula(valore: Any) -> Any:
    if isinstance(valore, str) and valore.startswith(INIZI_FORMULA):
        return "'" + valore
    return valore
