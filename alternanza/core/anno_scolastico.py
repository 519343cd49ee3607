"""School years as the portal writes them: "2025/26", from 1 September to 31 August."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_ANNO_RE = re.compile(r"^(\d{4})/(\d{2})$")


def _scrivi(inizio: int) -> str:
    return f"{inizio}/{(inizio + 1) % 100:02d}"


def valida_anno_scolastico(valore: str) -> str:
    """Return `valore` if it is a school year "2025/26" (consecutive years), else raise ValidationError.

    Usable as a field validator (the return value is then ignored)."""
    corrispondenza = _ANNO_RE.match(valore or "")
    if not corrispondenza:
        raise ValidationError(_("Scrivi l'anno scolastico nella forma 2025/26."), code="formato")
    inizio, fine = int(corrispondenza.group(1)), int(corrispondenza.group(2))
    if (inizio + 1) % 100 != fine:
        raise ValidationError(
            _("Gli anni dell'anno scolastico devono essere consecutivi (es. 2025/26)."), code="consecutivi"
        )
    return valore


def anno_scolastico_di(giorno: date | None = None) -> str:
    """The school year a day belongs to (today's by default): "2025/26" from September 2025 to August 2026."""
    giorno = giorno or timezone.localdate()
    return _scrivi(giorno.year if giorno.month >= 9 else giorno.year - 1)


def anno_successivo(anno: str) -> str:
    """ "2025/26" → "2026/27"."""
    return _scrivi(int(valida_anno_scolastico(anno)[:4]) + 1)


def anno_precedente(anno: str) -> str:
    """ "2025/26" → "2024/25"."""
    return _scrivi(int(valida_anno_scolastico(anno)[:4]) - 1)


def anno_della_primavera(anno_solare: int) -> str:
    """The school year whose spring falls in `anno_solare`: a Festival of 2026 shows the year 2025/26."""
    return _scrivi(anno_solare - 1)
