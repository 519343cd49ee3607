"""Names as people type them: one normal form for matching organisations and schools.

"Automazioni Coppola S.r.l.", "automazioni coppola srl" and "AUTOMAZIONI COPPOLA SRL." are the same company
to a coordinator: `normalizza_nome` maps them to one string ("automazioni coppola") — accents removed,
case folded, punctuation dropped, dotted abbreviations joined ("s.p.a." → "spa") and the legal-form
suffixes at the end of the name removed. The apps store it in an indexed column (kept on save) and the
search compares the normal form of what was typed with it, so the rule lives here only.
"""

from __future__ import annotations

import re
import unicodedata

# Suffixes written out in words, removed as a whole before the one-word ones.
SUFFISSI_ESTESI = (
    "societa cooperativa sociale",
    "societa cooperativa",
    "cooperativa sociale",
    "societa a responsabilita limitata semplificata",
    "societa a responsabilita limitata",
    "societa per azioni",
    "societa semplice",
    "impresa sociale",
    "sc a rl",
    "sca rl",
)
# One-word legal forms (after dotted abbreviations are joined). Only trailing ones are dropped: "Spa" in
# "Terme Spa Resort" is a word of the name when something follows it.
SUFFISSI_SOCIETARI = frozenset(
    {"srl", "srls", "spa", "sapa", "snc", "sas", "ss", "sc", "scs", "scarl", "scrl", "scpa", "arl"}
    | {"coop", "onlus", "unipersonale"}
)

_PUNTATE = re.compile(r"\b(?:[a-z]{1,2}\.){1,}[a-z]{0,2}\b\.?")
_NON_ALFANUMERICI = re.compile(r"[^a-z0-9]+")


def senza_accenti(testo: str) -> str:
    """`testo` without diacritics ("Città" → "Citta")."""
    scomposto = unicodedata.normalize("NFKD", testo)
    return "".join(c for c in scomposto if not unicodedata.combining(c))


def normalizza_nome(testo: str | None) -> str:
    """The form used to match names: see the module docstring. '' for an empty name."""
    t = senza_accenti(testo or "").casefold().replace("’", "'")
    # "s.r.l." / "S.p.A." / "s. r. l." → "srl", "spa": dotted abbreviations become one word.
    t = re.sub(r"(?<=\b[a-z])\.\s?(?=[a-z]\b)", "", t)
    t = _PUNTATE.sub(lambda m: m.group(0).replace(".", ""), t)
    t = _NON_ALFANUMERICI.sub(" ", t).strip()
    parole = t.split()
    cambiato = True
    while cambiato and len(parole) > 1:
        cambiato = False
        coda = " ".join(parole)
        for esteso in SUFFISSI_ESTESI:
            if coda.endswith(" " + esteso) and len(esteso.split()) < len(parole):
                parole = parole[: -len(esteso.split())]
                cambiato = True
                break
        if not cambiato and parole[-1] in SUFFISSI_SOCIETARI:
            parole = parole[:-1]
            cambiato = True
    return " ".join(parole)
