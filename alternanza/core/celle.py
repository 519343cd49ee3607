"""Cells of files people open in spreadsheets (office exports, public open data): one rule for all.

A text cell starting with =, +, -, @, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets (CSV/formula injection, OWASP). Such values get a leading apostrophe, which spreadsheets
show as text and data readers keep visible, so nothing typed by a user is run on someone else's machine.
"""

from __future__ import annotations

from typing import Any

INIZI_DI_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cella_sicura(valore: Any) -> Any:
    """The value, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(valore, str) and valore.startswith(INIZI_DI_FORMULA):
        return "'" + valore
    return valore
