"""Import of the Ministry's open data of student numbers per school (NUMEROSTUDENTI per CODICESCUOLA).

Input: the CSV as the Ministry publishes it (`ALUNNI-BOLOGNA-202425.csv`: CODICESCUOLA, NUMEROSTUDENTI and
other columns we ignore), plain or gzipped, UTF-8 or Latin-1. The file has no school-year column: the year
is read from an ANNOSCOLASTICO column if there is one, else from the file name (…202425…).

Rules:
- NUMEROSTUDENTI is a whole number, or "<=3", the Ministry's privacy mask for counts of 1 to 3: stored as
  `studenti=None, studenti_mascherati=True` (unknown but small), so no indicator counts it as 0 or as 3;
- a row with a malformed code or count makes the whole file refused: nothing is written, and each bad row
  is reported with its line number (a half-applied file would mix two years in the per-1,000 indicators);
- codes of schools that are not in the registry are reported and skipped;
- a count of an older year never overwrites one of a newer year;
- everything runs in one transaction, together with the registry files uploaded with it.

Entry points: `e_file_studenti(sorgente)` tells a student-number file from a registry one;
`leggi_studenti` parses (may raise FileNonValido); `importa_file(files)` imports registry and student
files together (the management command, the tests); `importa_caricati(contesto)` is the same import as
the job run by a worker for the staff page (alternanza.core.importazioni).
"""

from __future__ import annotations

import csv
import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from alternanza.core.cache import invalida_scuole
from alternanza.core.importazioni import Contesto
from distretti.importazione import (
    RE_CODICE,
    EsitoImportazione,
    FileNonValido,
    RigaNonValida,
    Segnala,
    Sorgente,
    _anno,
    _apri_csv,
    _segnalatore,
    _solo_lettura,
    colonne_in_testa,
    con_nome,
    importa_anagrafe,
    leggi_anagrafe,
    sorgente,
)
from distretti.models import Comune, Scuola

logger = logging.getLogger(__name__)

COLONNE = ("CODICESCUOLA", "NUMEROSTUDENTI")
MASCHERA = "<=3"
LOTTO = 1000


@dataclass
class FileStudenti:
    nome: str
    anno: int
    codifica: str
    lette: int = 0
    conteggi: dict[str, int | None] = field(default_factory=dict)  # codice → count (None = masked)
    non_valide: list[RigaNonValida] = field(default_factory=list)  # kept when there is no `segnala`
    n_non_valide: int = 0


@dataclass
class EsitoStudenti:
    nome: str
    anno: int
    lette: int = 0
    aggiornate: int = 0
    invariate: int = 0
    mascherate: int = 0
    piu_recenti: int = 0  # schools whose count already comes from a newer year
    sconosciute: list[str] = field(default_factory=list)  # codes not in the registry
    non_valide: list[RigaNonValida] = field(default_factory=list)
    n_non_valide: int = 0
    scritto: bool = True

    @property
    def anno_scolastico(self) -> str:
        testo = str(self.anno)
        return f"{testo[:4]}/{testo[4:]}"


def e_file_studenti(file: Sorgente) -> bool:
    """True for a file of student numbers (its header names NUMEROSTUDENTI), False for anything else
    (the registry reader then gives the reason)."""
    return "NUMEROSTUDENTI" in colonne_in_testa(file)


def _anno_dal_nome(nome: str) -> int | None:
    for m in re.finditer(r"\d{6,}", Path(nome).name):
        if (anno := _anno(m.group()[:6])) is not None:
            return anno
    return None


def leggi_studenti(
    file: Sorgente, *, segnala: Segnala = None, conta: Callable[[], None] = lambda: None
) -> FileStudenti:
    """Parse a student-number file, streamed; raise FileNonValido if it is not one or its year is
    unknown. `conta` is called for every data row, `segnala` for every row with errors."""
    nome = file.nome
    codifica, intestazione, lettore = _apri_csv(file)
    mancanti = [c for c in COLONNE if c not in intestazione]
    if mancanti:
        raise FileNonValido(
            _("non è un file dei dati aperti sugli studenti: mancano le colonne %(colonne)s.")
            % {"colonne": ", ".join(mancanti)}
        )
    i_codice, i_numero = intestazione.index("CODICESCUOLA"), intestazione.index("NUMEROSTUDENTI")
    i_anno = intestazione.index("ANNOSCOLASTICO") if "ANNOSCOLASTICO" in intestazione else None
    anno_file = _anno_dal_nome(nome)
    esito = FileStudenti(nome=Path(nome).name, anno=anno_file or 0, codifica=codifica)
    non_valida = _segnalatore(esito, segnala)
    anni_colonna: set[int] = set()
    ultima = lettore.line_num
    try:
        for valori in lettore:
            numero, ultima = ultima + 1, lettore.line_num
            if not any(v.strip() for v in valori):
                continue
            conta()
            esito.lette += 1
            if len(valori) != len(intestazione):
                non_valida(
                    RigaNonValida(
                        numero,
                        "",
                        _("%(trovate)s colonne invece di %(attese)s.")
                        % {"trovate": len(valori), "attese": len(intestazione)},
                    )
                )
                continue
            codice, grezzo = valori[i_codice].strip().upper(), valori[i_numero].strip()
            motivi = []
            if not RE_CODICE.fullmatch(codice):
                motivi.append(
                    _("codice meccanografico non valido («%(valore)s»)") % {"valore": valori[i_codice]}
                )
            if grezzo.replace(" ", "") == MASCHERA:
                conteggio = None
            elif grezzo.isdigit():
                conteggio = int(grezzo)
            else:
                motivi.append(_("numero di studenti non valido («%(valore)s»)") % {"valore": grezzo})
            if i_anno is not None:
                if (anno := _anno(valori[i_anno].strip())) is None:
                    motivi.append(_("anno scolastico non valido («%(valore)s»)") % {"valore": valori[i_anno]})
                else:
                    anni_colonna.add(anno)
            if not motivi and codice in esito.conteggi:
                motivi.append(_("codice scuola ripetuto nel file."))
            if motivi:
                non_valida(RigaNonValida(numero, codice, "; ".join(motivi)))
            else:
                esito.conteggi[codice] = conteggio
    except csv.Error as exc:
        raise FileNonValido(
            _("il CSV è malformato alla riga %(riga)s (%(errore)s).")
            % {"riga": lettore.line_num, "errore": exc}
        ) from exc
    if not esito.lette:
        raise FileNonValido(_("il file non contiene righe di dati."))
    if len(anni_colonna) > 1:
        raise FileNonValido(_("il file contiene più anni scolastici: caricane uno per volta."))
    if anni_colonna:
        esito.anno = anni_colonna.pop()
    if not esito.anno:
        raise FileNonValido(
            _(
                "l'anno scolastico non è nel file né nel nome: rinominalo con l'anno, "
                "per esempio ALUNNI-BOLOGNA-202425.csv."
            )
        )
    return esito


def _scrivi(file: FileStudenti) -> EsitoStudenti:
    esito = EsitoStudenti(nome=file.nome, anno=file.anno, lette=file.lette)
    scuole = {
        s.codice_meccanografico: s
        for s in Scuola.objects.filter(codice_meccanografico__in=list(file.conteggi)).only(
            "id", "codice_meccanografico", "studenti", "studenti_mascherati", "studenti_anno"
        )
    }
    cambiate = []
    for codice, conteggio in file.conteggi.items():
        scuola = scuole.get(codice)
        if scuola is None:
            esito.sconosciute.append(codice)
            continue
        esito.mascherate += conteggio is None
        if scuola.studenti_anno and scuola.studenti_anno > file.anno:
            esito.piu_recenti += 1
            continue
        nuovi = (conteggio, conteggio is None, file.anno)
        if (scuola.studenti, scuola.studenti_mascherati, scuola.studenti_anno) == nuovi:
            esito.invariate += 1
            continue
        scuola.studenti, scuola.studenti_mascherati, scuola.studenti_anno = nuovi
        cambiate.append(scuola)
    Scuola.objects.bulk_update(
        cambiate, ["studenti", "studenti_mascherati", "studenti_anno"], batch_size=LOTTO
    )
    esito.aggiornate = len(cambiate)
    esito.sconosciute.sort()
    return esito


def importa_file(
    files: Iterable[Sorgente | tuple[str, bytes]],
    *,
    strict: bool = False,
    segnala: Segnala = None,
    conta: Callable[[], None] = lambda: None,
) -> tuple[EsitoImportazione | None, list[EsitoStudenti]]:
    """Import registry files and student-number files (Sorgenti or (name, content) pairs), in one
    transaction.

    Registry files first (a school new this year gets its count too). Raises FileNonValido, naming the
    file, when a file is neither: nothing is written. A student file with invalid rows, or registry files
    that strict mode refuses, mean nothing at all is written (the reports say so, with `scritto=False`).
    """
    anagrafe, studenti = [], []
    for file in map(sorgente, files):
        if e_file_studenti(file):
            studenti.append(con_nome(lambda f: leggi_studenti(f, segnala=segnala, conta=conta), file))
        else:
            anagrafe.append(file)
    studenti.sort(key=lambda f: f.anno)
    esiti = [
        EsitoStudenti(
            nome=f.nome,
            anno=f.anno,
            lette=f.lette,
            non_valide=f.non_valide,
            n_non_valide=f.n_non_valide,
            scritto=False,
        )
        for f in studenti
    ]
    if any(f.n_non_valide for f in studenti):
        # Nothing is written: the registry files are only read, for their report.
        comuni = dict(Comune.objects.values_list("codice_catastale", "id"))
        rapporti = [
            _solo_lettura(con_nome(lambda f: leggi_anagrafe(f, comuni, segnala=segnala, conta=conta), f))
            for f in anagrafe
        ]
        return (EsitoImportazione(rapporti=rapporti, scritto=False) if anagrafe else None), esiti
    with transaction.atomic():
        esito_anagrafe = (
            importa_anagrafe(anagrafe, strict=strict, segnala=segnala, conta=conta) if anagrafe else None
        )
        if esito_anagrafe is not None and not esito_anagrafe.scritto:
            return esito_anagrafe, esiti
        esiti = [_scrivi(f) for f in studenti]
        if studenti:
            transaction.on_commit(invalida_scuole)
    return esito_anagrafe, esiti


# Codes not in the registry listed on the result page (the count is always there).
MOSTRA_SCONOSCIUTE = 1000


def importa_caricati(contesto: Contesto) -> tuple[dict[str, Any], bool]:
    """The import job of the staff page: every uploaded file of the job, streamed, in one transaction.

    The summary holds what the page shows (counts per registry file, per student file); the rows with
    errors go to the job's CSV, each with its file's name.
    """
    sorgenti = [
        Sorgente(f.nome, functools.partial(contesto.binario, n), functools.partial(contesto.testo, n))
        for n, f in enumerate(contesto.files)
    ]

    def segnala(nome: str, riga: RigaNonValida) -> None:
        codice = f" ({riga.codice})" if riga.codice else ""
        contesto.errore(riga.riga, f"{nome}{codice}: {riga.motivo}")

    esito, studenti = importa_file(
        sorgenti, strict=bool(contesto.opzioni.get("rigoroso")), segnala=segnala, conta=contesto.conta_riga
    )
    scritto = (esito is None or esito.scritto) and all(s.scritto for s in studenti)
    riepilogo = {
        "anagrafe": None
        if esito is None
        else {
            "scritto": esito.scritto,
            "totali": esito.totali,
            "file": [
                {"nome": r.nome, "tipo": r.tipo, "anno": r.anno, "codifica": r.codifica, **r.conteggi()}
                for r in esito.rapporti
            ],
        },
        "studenti": [
            {
                "nome": s.nome,
                "anno_scolastico": s.anno_scolastico,
                "scritto": s.scritto,
                "lette": s.lette,
                "aggiornate": s.aggiornate,
                "invariate": s.invariate,
                "mascherate": s.mascherate,
                "piu_recenti": s.piu_recenti,
                "non_valide": s.n_non_valide,
                "n_sconosciute": len(s.sconosciute),
                "sconosciute": s.sconosciute[:MOSTRA_SCONOSCIUTE],
            }
            for s in studenti
        ],
    }
    logger.info(
        "Registry import %s: %s, student files %s",
        contesto.importazione.pk,
        esito.totali if esito else {},
        [(s.nome, s.aggiornate, s.scritto) for s in studenti],
    )
    return riepilogo, scritto
