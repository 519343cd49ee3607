"""Readable school names from the Ministry's registry text.

The registry writes most names in capitals, with straight quotes used loosely (`"GIARDINO D'INFANZIA"`,
`"FIGLIE DI S.ANNA"SC. PRIMARIA PARITARIA`) and an apostrophe for a final accent (`GESU'`). The portal
shows `nome_leggibile(testo)`; the raw text stays in `Scuola.denominazione_anagrafe` for matching.

Rules:
- a name that already has lowercase letters keeps its case (someone wrote it by hand);
- words are capitalised, Italian articles and prepositions in lowercase (not the first word), elisions
  split at the apostrophe (`dell'Addolorata`, `Sant'Alberto`, `d'Aquino`);
- school-type acronyms (IIS, ITIS, IPSIA, ISIS…), Roman numerals (I, II, IV…) and dotted initials
  (`I.I.S.`) stay in capitals; `S.ANNA` becomes `S. Anna`;
- a vowel followed by an apostrophe at the end of a word is an accented vowel (`GESU'` → `Gesù`);
- quotes around the whole name, and unpaired quotes, are removed; a paired quote becomes « ».
"""

from __future__ import annotations

import re

_SIGLE = """
    IIS ITIS IPSIA ISIS ISISS IPS IPSS IPSSS IPSSAR IPSEOA IPSAR IPC IPSCT ITC ITCG ITCS ITG ITT ITI ITE
    ITAS ITSET ITST IPIA IC CPIA CFP CTP ISA IT IP ITP ISS IPAA LSU FISM ACLI CIOFS CNOS FAP ENAIP IAL
    ECIPAR ONLUS APS SRL SNC SPA SAS SCS FMA AGESC FIDAE CEIS ISTC EU UE STEAM STEM CLIL
"""
_MINUSCOLE = """
    di del della dello dei degli delle da dal dalla dallo dai dagli dalle a al alla allo ai agli alle
    in nel nella nello nei negli nelle per con su sul sulla sullo sui sugli sulle tra fra e ed o il lo
    la i gli le un uno una d dell all nell dall sull l
"""
SIGLE = frozenset(_SIGLE.split())
MINUSCOLE = frozenset(_MINUSCOLE.split())
ROMANO = re.compile(r"X{0,3}(IX|IV|V?I{0,3})")
ACCENTI = {"A": "à", "E": "è", "I": "ì", "O": "ò", "U": "ù"}
PAROLA = re.compile(r"[^\W\d_]+", re.UNICODE)


def _accenti(testo: str) -> str:
    """`GESU'` → `GESÙ`-like: a vowel + apostrophe closing a word is the registry's accented vowel."""

    def sostituisci(m: re.Match) -> str:
        parola, vocale = m.group(1), m.group(2)
        accentata = "é" if vocale == "E" and parola.endswith("CH") else ACCENTI[vocale]
        return parola + accentata.upper()

    return re.sub(r"\b([A-Z]*)([AEIOU])'(?=\s|$|[.,;:)\"»-])", sostituisci, testo)


def _virgolette(testo: str) -> str:
    testo = testo.strip()
    # Quotes around the whole name say nothing.
    while len(testo) > 1 and testo[0] == testo[-1] == '"':
        testo = testo[1:-1].strip()
    if testo.count('"') % 2:
        # An unpaired quote is a leftover: drop them all and keep the words apart.
        testo = re.sub(r'\s*"\s*', " ", testo).strip()
    else:
        # Pairs become Italian quotes, with a space before an opening and after a closing one.
        testo = re.sub(r'"\s*([^"]*?)\s*"', r" «\1» ", testo)
        testo = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s{2,}", " ", testo)).strip()
    return re.sub(r"\s{2,}", " ", testo)


def _parola(parola: str, prima: bool) -> str:
    """One run of letters, in capitals as the registry gives it."""
    if parola in SIGLE or (ROMANO.fullmatch(parola) and parola):
        return parola
    minuscola = parola.lower()
    if not prima and minuscola in MINUSCOLE:
        return minuscola
    return minuscola[:1].upper() + minuscola[1:]


def _segmento(segmento: str, prima: bool) -> str:
    """A space-separated token: initials (`I.I.S.`), `S.ANNA`, elisions and hyphens inside it."""
    parti = [p for p in segmento.split(".") if p]
    if "." in segmento and parti and all(len(PAROLA.sub("", p)) == 0 and len(p) == 1 for p in parti):
        return segmento  # I.I.S., S.M.S.: initials
    risultato = []
    posizione = 0
    for i, m in enumerate(PAROLA.finditer(segmento)):
        risultato.append(segmento[posizione : m.start()])
        risultato.append(_parola(m.group(), prima and i == 0))
        posizione = m.end()
    risultato.append(segmento[posizione:])
    testo = "".join(risultato)
    # "S.Anna" → "S. Anna": an abbreviation glued to the next word.
    return re.sub(r"\b([A-Za-z]{1,3})\.(?=[A-Z][a-zà-ù])", r"\1. ", testo)


def nome_leggibile(testo: str) -> str:
    """The registry's name as the portal shows it (see the module's rules)."""
    testo = _virgolette(" ".join((testo or "").split()))
    if any(c.islower() for c in testo):
        return testo
    testo = _accenti(testo)
    segmenti = testo.split(" ")
    parole = []
    for i, segmento in enumerate(segmenti):
        prima = i == 0 or segmenti[i - 1] in {"-", "–"} or segmento.startswith("«")
        parole.append(_segmento(segmento, prima))
    return " ".join(parole)
