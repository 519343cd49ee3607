"""Validation of the inputs the network receives: tax codes, ATECO codes and uploaded PDFs.

Kept in one module so model fields, forms and the CSV/XLSX import give the same messages.
"""

from __future__ import annotations

from functools import lru_cache

import ateco
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

# Default limit for uploaded documents; settings may override it.
PDF_MAGIC = b"%PDF-"


def normalizza_codice_fiscale(valore: str) -> str:
    """Compact form of a codice fiscale / partita IVA (no spaces, upper case, no 'IT' prefix)."""
    valore = (valore or "").strip().upper().replace(" ", "").replace(".", "").replace("-", "")
    if len(valore) == 13 and valore.startswith("IT") and valore[2:].isdigit():
        valore = valore[2:]
    return valore


def valida_codice_fiscale(valore: str) -> None:
    """Accept an 11-digit partita IVA (or numeric codice fiscale of a body) or a 16-char personal CF.

    Messages tell the user which of the two was recognised and what is wrong with it.
    """
    valore = normalizza_codice_fiscale(valore)
    if not valore:
        return
    if valore.isdigit():
        if len(valore) != 11:
            raise ValidationError(
                _("La partita IVA deve avere 11 cifre (ne sono state inserite %(n)d)."),
                code="iva_lunghezza",
                params={"n": len(valore)},
            )
        try:
            iva.validate(valore)
        except InvalidChecksum as exc:
            raise ValidationError(
                _("La partita IVA %(valore)s non è valida: la cifra di controllo non corrisponde."),
                code="iva_controllo",
                params={"valore": valore},
            ) from exc
        except StdnumError as exc:
            raise ValidationError(
                _("La partita IVA %(valore)s non è valida."), code="iva_non_valida", params={"valore": valore}
            ) from exc
        return
    if len(valore) != 16:
        raise ValidationError(
            _(
                "Inserisci una partita IVA di 11 cifre o un codice fiscale di 16 caratteri "
                "(ne sono stati inseriti %(n)d)."
            ),
            code="cf_lunghezza",
            params={"n": len(valore)},
        )
    try:
        codicefiscale.validate(valore)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Il codice fiscale %(valore)s non è valido: il carattere di controllo non corrisponde."),
            code="cf_controllo",
            params={"valore": valore},
        ) from exc
    except (InvalidFormat, InvalidLength, StdnumError) as exc:
        raise ValidationError(
            _("Il codice fiscale %(valore)s non ha un formato valido."),
            code="cf_formato",
            params={"valore": valore},
        ) from exc


def normalizza_ateco(valore: str) -> str:
    """Dotted canonical form of an ATECO code ('620100' → '62.01.00'); '' stays ''."""
    valore = (valore or "").strip()
    if not valore:
        return ""
    try:
        return ateco.canonicalize(valore)
    except (ValueError, TypeError):
        return valore


# The classification in force (2025) first; codes of the previous one (2007, 2022 update) are still what
# many Chamber of Commerce extracts carry, so they are accepted too.
EDIZIONI_ATECO = ("2025", "2022")


@lru_cache(maxsize=4096)
def _nodo_ateco(codice: str):
    for edizione in EDIZIONI_ATECO:
        nodo = ateco.lookup(codice, edition=edizione)
        if nodo is not None:
            return nodo
    return None


def valida_ateco(valore: str) -> None:
    """The code must exist in ATECO 2025 (or in ATECO 2007, 2022 update, still used by many extracts)."""
    if not valore:
        return
    if _nodo_ateco(normalizza_ateco(valore)) is None:
        raise ValidationError(
            _(
                "Il codice ATECO %(valore)s non esiste nella classificazione ATECO "
                "(edizioni 2025 e 2007/2022)."
            ),
            code="ateco_inesistente",
            params={"valore": valore},
        )


def sezione_ateco(valore: str) -> str:
    """The section letter (A–V) of an ATECO code, or '' if unknown."""
    nodo = _nodo_ateco(normalizza_ateco(valore)) if valore else None
    while nodo is not None and nodo.level != "section":
        nodo = ateco.lookup(nodo.parent, edition=nodo.edition) if nodo.parent else None
    return nodo.code if nodo is not None else ""


@lru_cache(maxsize=1)
def sezioni_ateco() -> list[tuple[str, str]]:
    """(letter, title) of every ATECO section, for filter choices."""
    sezioni = []
    for lettera in "ABCDEFGHIJKLMNOPQRSTUV":
        nodo = _nodo_ateco(lettera)
        if nodo is not None and nodo.level == "section":
            sezioni.append((lettera, f"{lettera} – {nodo.title.capitalize()}"))
    return sezioni


def valida_pdf(file) -> None:
    """A real PDF (magic bytes, not only the extension) within the size limit."""
    if not file:
        return
    limite = settings.PARTNERSHIP_PDF_MAX_BYTES
    if file.size > limite:
        raise ValidationError(
            _("Il file è troppo grande (%(mb).1f MB): il limite è %(limite)d MB."),
            code="pdf_grande",
            params={"mb": file.size / 1024 / 1024, "limite": limite // (1024 * 1024)},
        )
    nome = (getattr(file, "name", "") or "").lower()
    if not nome.endswith(".pdf"):
        raise ValidationError(_("Carica un file PDF (estensione .pdf)."), code="pdf_estensione")
    posizione = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        inizio = file.read(1024)
    finally:
        file.seek(posizione)
    if isinstance(inizio, str):
        inizio = inizio.encode("latin-1", "ignore")
    # The header must start the file: readers tolerate it anywhere in the first KiB, which lets an HTML or
    # script polyglot with "%PDF-" in a comment pass for a PDF.
    if not inizio.startswith(PDF_MAGIC):
        raise ValidationError(
            _("Il file non è un PDF valido: il contenuto non corrisponde all'estensione."), code="pdf_tipo"
        )
