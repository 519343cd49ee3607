"""Database constraints that speak to people: each error lands on the field the person must correct.

Every CheckConstraint/UniqueConstraint of the project has a `violation_error_message` (and a
`violation_error_code` equal to its name), so Django's validate_constraints — run by every ModelForm —
never shows the default "Il vincolo «…» è stato violato". Django puts a constraint's error on a field only
for a single-field UniqueConstraint; a model that mixes in `CampiDeiVincoli` names, for each constraint,
the field whose input is wrong, and its errors are moved there.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class CampiDeiVincoli:
    """Model mixin: `campi_dei_vincoli = {"<constraint name>": "<field>"}`."""

    campi_dei_vincoli: ClassVar[dict[str, str]] = {}

    def validate_constraints(self, exclude: Any = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)  # type: ignore[misc]
        except ValidationError as errore:
            raise ValidationError(sposta_sui_campi(errore.error_dict, self.campi_dei_vincoli)) from None


def sposta_sui_campi(errori: dict[str, list[ValidationError]], campi: dict[str, str]) -> dict[str, list]:
    """The errors of the constraints named in `campi` moved from the form-wide list to their field."""
    risultato: dict[str, list] = {}
    for chiave, elenco in errori.items():
        for e in elenco:
            destinazione = (
                campi.get(getattr(e, "code", None) or "", chiave) if chiave == NON_FIELD_ERRORS else chiave
            )
            risultato.setdefault(destinazione, []).append(e)
    return risultato
