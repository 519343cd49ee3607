"""Import of the Ministry's school registry (anagrafe scuole, open data) into Scuola / ScuolaNome.

Input: the CSV files as the Ministry publishes them, `SCUANAGRAFESTAT…` (state schools: they add
CODICEISTITUTORIFERIMENTO / DENOMINAZIONEISTITUTORIFERIMENTO and the INDICAZIONESEDE… columns) and
`SCUANAGRAFEPAR…` (paritarie), plain or gzipped, in UTF-8 or Latin-1. Whole national files are normal
input: only the schools whose comune (CODICECOMUNESCUOLA, a cadastral code) belongs to the Città
metropolitana are kept, so the database work is bounded by the metropolitan schools, never by the file.

Rules:
- upsert by CODICESCUOLA in bulk; importing the same file twice changes nothing;
- one name per school and registry year is kept in ScuolaNome (the history of names);
- a school missing from a file of a NEWER year of the same kind (state / paritaria) is marked inactive,
  never deleted; an older file never overwrites what a newer one said, nor deactivates anything seen later;
- a file that is not such a CSV is refused with the reason; invalid rows are reported with their line
  number and skipped, or with `strict` nothing at all is written;
- everything runs in one transaction.

Entry points: `leggi_anagrafe(sorgente)` parses (and may raise FileNonValido), `importa_anagrafe(files)`
parses and writes, returning an `EsitoImportazione` with a `RapportoFile` per file. A file is a
`Sorgente`: its name and a stream of its bytes (uploaded, on disk or in memory), read line by line — the
text is never held whole (a gzip file is decompressed on the fly, with the cap of
alternanza.core.importazioni). The rows with errors are kept in the reports, or passed one by one to
`segnala` as they are found (the import job writes them to its CSV and keeps only their count).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.cache import invalida_scuole
from alternanza.core.importazioni import FileRifiutato, apri_binario, leggi_testo
from distretti.models import Comune, Livello, Scuola, ScuolaNome
from distretti.nomi import nome_leggibile

# Columns every registry file has (the ones we read); the state file adds COLONNE_STATALI.
COLONNE_COMUNI = (
    "ANNOSCOLASTICO",
    "CODICESCUOLA",
    "DENOMINAZIONESCUOLA",
    "INDIRIZZOSCUOLA",
    "CAPSCUOLA",
    "CODICECOMUNESCUOLA",
    "DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA",
    "INDIRIZZOEMAILSCUOLA",
    "INDIRIZZOPECSCUOLA",
    "SITOWEBSCUOLA",
)
COLONNE_STATALI = ("CODICEISTITUTORIFERIMENTO", "DENOMINAZIONEISTITUTORIFERIMENTO")

NON_DISPONIBILE = "non disponibile"
RE_CODICE = re.compile(r"[A-Z]{2}[A-Z0-9]{8}")
RE_CAP = re.compile(r"\d{5}")
RE_ANNO = re.compile(r"(\d{2})(\d{2})(\d{2})")  # 202324 = school year 2023/24
RE_CATASTALE = re.compile(r"[A-Z]\d{3}")
RE_SEGNAPOSTO = re.compile(r"-+")  # the registry writes "-----" for a missing CAP
LUNGHEZZE = {
    "denominazione": 255,
    "denominazione_anagrafe": 255,
    "indirizzo": 255,
    "sito_web": 255,
    "denominazione_istituto_riferimento": 255,
}

# Fields the registry decides; compared to tell "updated" from "unchanged".
CAMPI_ANAGRAFE = (
    "denominazione",
    "denominazione_anagrafe",
    "indirizzo",
    "cap",
    "comune_id",
    "grado",
    "livello",
    "statale",
    "codice_istituto_riferimento",
    "denominazione_istituto_riferimento",
    "email",
    "pec",
    "sito_web",
)
LOTTO = 1000  # rows per bulk statement
CHIAVE_BLOCCO = 0x5C0A7E  # PostgreSQL advisory lock held by an import while it writes


class FileNonValido(FileRifiutato):
    """The file is not a registry CSV; the message says why (shown to the user as is)."""


@dataclass
class Sorgente:
    """A file to import: its name and a fresh stream of its bytes (decompressed, capped) at each `apri()`."""

    nome: str
    apri: Callable[[], IO[bytes]]
    # (encoding, text lines); the import job's own reader also moves its progress bar
    testo: Callable[[], tuple[str, Iterator[str]]] | None = None

    def righe(self) -> tuple[str, Iterator[str]]:
        return self.testo() if self.testo else leggi_testo(self.apri)

    @classmethod
    def da_byte(cls, nome: str, dati: bytes) -> Sorgente:
        return cls(nome, lambda: apri_binario(io.BytesIO(dati)))

    @classmethod
    def da_percorso(cls, percorso: str | Path) -> Sorgente:
        return cls(str(percorso), lambda: apri_binario(open(percorso, "rb")))  # noqa: SIM115 - closed by its reader


def sorgente(file: Sorgente | tuple[str, bytes]) -> Sorgente:
    """A Sorgente from a (name, content) pair, as the tests and callers with bytes in hand give them."""
    return file if isinstance(file, Sorgente) else Sorgente.da_byte(*file)


# What to do with a row with errors: (file name, row) → written somewhere; None keeps them in the report.
Segnala = Callable[[str, "RigaNonValida"], None] | None


@dataclass(frozen=True)
class RigaNonValida:
    riga: int
    codice: str
    motivo: str

    def __str__(self) -> str:
        codice = f" ({self.codice})" if self.codice else ""
        return _("riga %(riga)s%(codice)s: %(motivo)s") % {
            "riga": self.riga,
            "codice": codice,
            "motivo": self.motivo,
        }


@dataclass
class FileAnagrafe:
    """A parsed registry file: only the metropolitan rows are kept, already validated."""

    nome: str
    statale: bool
    codifica: str
    anno: int
    lette: int = 0
    fuori_citta: int = 0
    righe: dict[str, dict] = field(default_factory=dict)  # codice → cleaned values
    non_valide: list[RigaNonValida] = field(default_factory=list)  # kept when there is no `segnala`
    n_non_valide: int = 0

    @property
    def tipo(self) -> str:
        return _("statali") if self.statale else _("paritarie")


@dataclass
class RapportoFile:
    nome: str
    tipo: str
    anno: int
    codifica: str
    lette: int = 0
    fuori_citta: int = 0
    create: int = 0
    aggiornate: int = 0
    invariate: int = 0
    disattivate: int = 0
    non_valide: list[RigaNonValida] = field(default_factory=list)
    n_non_valide: int = 0

    def conteggi(self) -> dict[str, int]:
        return {
            "lette": self.lette,
            "fuori_citta": self.fuori_citta,
            "create": self.create,
            "aggiornate": self.aggiornate,
            "invariate": self.invariate,
            "disattivate": self.disattivate,
            "non_valide": self.n_non_valide,
        }


@dataclass
class EsitoImportazione:
    rapporti: list[RapportoFile]
    scritto: bool  # False when strict mode found invalid rows: nothing was written

    @property
    def totali(self) -> dict[str, int]:
        totali: Counter[str] = Counter()
        for r in self.rapporti:
            totali.update(r.conteggi())
        return {k: totali[k] for k in RapportoFile("", "", 0, "").conteggi()}

    @property
    def non_valide(self) -> int:
        return sum(r.n_non_valide for r in self.rapporti)


# --- reading ------------------------------------------------------------------------------------------


def _apri_csv(sorgente: Sorgente) -> tuple[str, list[str], Any]:
    """The encoding's name, the header (upper case) and the CSV reader of the rows after it."""
    cod, righe = sorgente.righe()
    prima = next(righe, "")
    if not prima.strip():
        raise FileNonValido(_("il file è vuoto."))
    delimitatore = ";" if prima.count(";") > prima.count(",") else ","
    lettore = csv.reader(itertools.chain([prima], righe), delimiter=delimitatore)
    try:
        intestazione = [c.strip().upper() for c in next(lettore)]
    except (StopIteration, csv.Error) as exc:
        raise FileNonValido(_("l'intestazione del CSV non si può leggere.")) from exc
    return ("UTF-8" if cod == "utf-8-sig" else "Latin-1"), intestazione, lettore


def colonne_in_testa(sorgente: Sorgente) -> list[str]:
    """The columns of the file's first line (upper case), from its first bytes only; [] if unreadable."""
    try:
        with sorgente.apri() as binario:
            testa = binario.read(65536)
    except FileRifiutato:
        return []
    prima = testa.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[:1]
    if not prima:
        return []
    delimitatore = ";" if prima[0].count(";") > prima[0].count(",") else ","
    return [c.strip().strip('"').upper() for c in prima[0].split(delimitatore)]


def _valore(v: str | None) -> str:
    v = (v or "").strip()
    return "" if v.lower() == NON_DISPONIBILE else v


def _anno(valore: str) -> int | None:
    m = RE_ANNO.fullmatch(valore)
    if not m or (int(m.group(2)) + 1) % 100 != int(m.group(3)):
        return None
    return int(valore)


def leggi_anagrafe(
    sorgente: Sorgente,
    comuni: dict[str, int] | None = None,
    *,
    segnala: Segnala = None,
    conta: Callable[[], None] = lambda: None,
) -> FileAnagrafe:
    """Parse one registry file, streamed; raise FileNonValido if it is not one.

    `comuni` maps cadastral codes of the metropolitan comuni to Comune ids (read from the database if
    not given). Rows of other comuni are only counted; the metropolitan ones are validated. `conta` is
    called for every data row (the job counts them), `segnala` for every row with errors.
    """
    if comuni is None:
        comuni = dict(Comune.objects.values_list("codice_catastale", "id"))
    nome = sorgente.nome
    codifica, intestazione, lettore = _apri_csv(sorgente)

    statale = "CODICEISTITUTORIFERIMENTO" in intestazione or "SCUANAGRAFESTAT" in Path(nome).name.upper()
    richieste = COLONNE_COMUNI + (COLONNE_STATALI if statale else ())
    mancanti = [c for c in richieste if c not in intestazione]
    if mancanti:
        raise FileNonValido(
            _("non è un file dell'anagrafe scuole del Ministero: mancano le colonne %(colonne)s.")
            % {"colonne": ", ".join(mancanti)}
        )
    indice = {c: intestazione.index(c) for c in richieste}
    n_colonne = len(intestazione)

    # One pass over the file keeps only what the metropolitan city needs: a national file has tens of
    # thousands of rows, a few hundred of them ours. The year is counted on every row.
    i_comune, i_anno = indice["CODICECOMUNESCUOLA"], indice["ANNOSCOLASTICO"]
    esito = FileAnagrafe(nome=Path(nome).name, statale=statale, codifica=codifica, anno=0)
    non_valida = _segnalatore(esito, segnala)
    anni: Counter[str] = Counter()
    nostre: list[tuple[int, dict[str, str]]] = []  # only the columns we read, not the whole row
    ultima = lettore.line_num
    try:
        for valori in lettore:
            numero, ultima = ultima + 1, lettore.line_num
            if not any(valori):
                continue
            conta()
            esito.lette += 1
            if len(valori) != n_colonne:
                non_valida(
                    RigaNonValida(
                        numero,
                        "",
                        _("%(trovate)s colonne invece di %(attese)s.")
                        % {"trovate": len(valori), "attese": n_colonne},
                    )
                )
                continue
            anni[valori[i_anno]] += 1
            catastale = valori[i_comune].strip().upper()
            if catastale not in comuni and RE_CATASTALE.fullmatch(catastale):
                esito.fuori_citta += 1
                continue
            nostre.append((numero, {c: _valore(valori[i]) for c, i in indice.items()}))
    except csv.Error as exc:
        raise FileNonValido(
            _("il CSV è malformato alla riga %(riga)s (%(errore)s).")
            % {"riga": lettore.line_num, "errore": exc}
        ) from exc
    if not esito.lette:
        raise FileNonValido(_("il file non contiene righe di dati."))

    # The file's school year is the one most rows carry; a row of another year is invalid.
    validi: Counter[int] = Counter()
    for valore, n in anni.items():
        if (anno := _anno(valore.strip())) is not None:
            validi[anno] += n
    if not validi:
        raise FileNonValido(_("nessuna riga ha un anno scolastico valido (colonna ANNOSCOLASTICO)."))
    esito.anno = validi.most_common(1)[0][0]

    for numero, riga in nostre:
        pulita, motivo = _valida(riga, esito.anno, comuni, statale)
        codice = riga["CODICESCUOLA"].upper()
        if motivo:
            non_valida(RigaNonValida(numero, codice, motivo))
        elif codice in esito.righe:
            non_valida(RigaNonValida(numero, codice, _("codice scuola ripetuto nel file.")))
        else:
            esito.righe[codice] = pulita
    esito.non_valide.sort(key=lambda r: r.riga)
    return esito


def _segnalatore(esito: Any, segnala: Segnala) -> Callable[[RigaNonValida], None]:
    """Count a row with errors of `esito` (a parsed file) and keep it, or pass it to `segnala`."""

    def non_valida(riga: RigaNonValida) -> None:
        esito.n_non_valide += 1
        if segnala is None:
            esito.non_valide.append(riga)
        else:
            segnala(esito.nome, riga)

    return non_valida


def _valida(riga: dict[str, str], anno: int, comuni: dict[str, int], statale_file: bool) -> tuple[dict, str]:
    """Cleaned values of a metropolitan row, or the reason it is invalid."""
    motivi = []
    codice = riga["CODICESCUOLA"].upper()
    if not RE_CODICE.fullmatch(codice):
        motivi.append(_("codice meccanografico non valido («%(valore)s»)") % {"valore": riga["CODICESCUOLA"]})
    catastale = riga["CODICECOMUNESCUOLA"].upper()
    if catastale not in comuni:
        motivi.append(_("codice comune non valido («%(valore)s»)") % {"valore": riga["CODICECOMUNESCUOLA"]})
    if _anno(riga["ANNOSCOLASTICO"]) != anno:
        motivi.append(
            _("anno scolastico «%(valore)s» diverso da quello del file (%(anno)s)")
            % {"valore": riga["ANNOSCOLASTICO"], "anno": anno}
        )
    if not riga["DENOMINAZIONESCUOLA"]:
        motivi.append(_("denominazione mancante"))
    cap = "" if RE_SEGNAPOSTO.fullmatch(riga["CAPSCUOLA"]) else riga["CAPSCUOLA"]
    if cap and not RE_CAP.fullmatch(cap):
        motivi.append(_("CAP non valido («%(valore)s»)") % {"valore": cap})
    indirizzi = {}
    for colonna, campo in (("INDIRIZZOEMAILSCUOLA", "email"), ("INDIRIZZOPECSCUOLA", "pec")):
        valore = riga[colonna].lower()
        if valore:
            try:
                validate_email(valore)
            except ValidationError:
                motivi.append(
                    _("indirizzo %(campo)s non valido («%(valore)s»)")
                    % {"campo": campo, "valore": riga[colonna]}
                )
        indirizzi[campo] = valore
    tipologia = riga["DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA"]
    pulita = {
        "denominazione": nome_leggibile(riga["DENOMINAZIONESCUOLA"]),
        "denominazione_anagrafe": riga["DENOMINAZIONESCUOLA"],
        "indirizzo": riga["INDIRIZZOSCUOLA"],
        "cap": cap,
        "comune_id": comuni.get(catastale),
        "grado": tipologia[:120],
        "livello": Livello.da_tipologia(tipologia).value,
        "statale": statale_file and "NON STATALE" not in tipologia.upper(),
        "codice_istituto_riferimento": riga.get("CODICEISTITUTORIFERIMENTO", "").upper()[:10],
        "denominazione_istituto_riferimento": riga.get("DENOMINAZIONEISTITUTORIFERIMENTO", ""),
        "email": indirizzi["email"],
        "pec": indirizzi["pec"],
        "sito_web": riga["SITOWEBSCUOLA"],
    }
    for campo, massimo in LUNGHEZZE.items():
        contenuto = pulita[campo]
        if isinstance(contenuto, str) and len(contenuto) > massimo:
            motivi.append(_("%(campo)s più lungo di %(max)s caratteri") % {"campo": campo, "max": massimo})
    return pulita, "; ".join(motivi)


# --- writing ------------------------------------------------------------------------------------------


def _scrivi(file: FileAnagrafe) -> RapportoFile:
    rapporto = _solo_lettura(file)
    anno = file.anno
    # The newest registry year already imported for this kind of school: an older file must not undo it.
    anno_piu_recente = (
        Scuola.objects.filter(statale=file.statale, demo=False).aggregate(m=Max("ultimo_anno_anagrafe"))["m"]
        or 0
    )
    esistenti = {
        s.codice_meccanografico: s for s in Scuola.objects.filter(codice_meccanografico__in=list(file.righe))
    }
    adesso = timezone.now()
    # A school in an older year's file but not in the newest one already imported has left the registry.
    attiva = anno >= anno_piu_recente
    # New and changed schools go in one INSERT … ON CONFLICT (codice) DO UPDATE per batch: Django's
    # bulk_update builds a CASE per field and row, which grows with every changed school.
    scritte: list[Scuola] = []
    solo_anno: list[int] = []  # seen again, nothing else changed: only the registry year moves on
    for codice, valori in file.righe.items():
        scuola = esistenti.get(codice)
        if scuola is None:
            rapporto.create += 1
            scritte.append(
                Scuola(codice_meccanografico=codice, attiva=attiva, ultimo_anno_anagrafe=anno, **valori)
            )
            continue
        if scuola.ultimo_anno_anagrafe and scuola.ultimo_anno_anagrafe > anno:
            rapporto.invariate += 1  # a newer file already spoke for this school; only its history grows
            continue
        if any(getattr(scuola, c) != v for c, v in valori.items()) or scuola.attiva != attiva or scuola.demo:
            rapporto.aggiornate += 1
            scritte.append(
                Scuola(
                    codice_meccanografico=codice,
                    attiva=attiva,
                    ultimo_anno_anagrafe=anno,
                    **valori,
                )
            )
        else:
            rapporto.invariate += 1
            if scuola.ultimo_anno_anagrafe != anno:
                solo_anno.append(scuola.pk)
    Scuola.objects.bulk_create(
        scritte,
        batch_size=LOTTO,
        update_conflicts=True,
        unique_fields=["codice_meccanografico"],
        update_fields=[*CAMPI_ANAGRAFE, "attiva", "demo", "aggiornato_il", "ultimo_anno_anagrafe"],
    )
    Scuola.objects.filter(pk__in=solo_anno).update(ultimo_anno_anagrafe=anno)

    _storico(file)

    rapporto.disattivate = (
        Scuola.objects.filter(statale=file.statale, demo=False, attiva=True, ultimo_anno_anagrafe__lt=anno)
        .exclude(codice_meccanografico__in=list(file.righe))
        .update(attiva=False, aggiornato_il=adesso)
    )
    return rapporto


def _storico(file: FileAnagrafe) -> None:
    """One ScuolaNome per school and registry year, with the name that year's file gives."""
    ids = dict(
        Scuola.objects.filter(codice_meccanografico__in=list(file.righe)).values_list(
            "codice_meccanografico", "id"
        )
    )
    presenti = dict(
        ScuolaNome.objects.filter(scuola_id__in=list(ids.values()), anno_anagrafe=file.anno).values_list(
            "scuola_id", "denominazione"
        )
    )
    nuovi = []
    for codice, valori in file.righe.items():
        scuola_id, nome = ids[codice], valori["denominazione_anagrafe"]  # the history keeps the raw text
        if scuola_id not in presenti:
            nuovi.append(ScuolaNome(scuola_id=scuola_id, anno_anagrafe=file.anno, denominazione=nome))
        elif presenti[scuola_id] != nome:
            # Rare: the same year's file re-published with a corrected name.
            ScuolaNome.objects.filter(scuola_id=scuola_id, anno_anagrafe=file.anno).update(denominazione=nome)
    ScuolaNome.objects.bulk_create(nuovi, batch_size=LOTTO)


def importa_anagrafe(
    files: Iterable[Sorgente | tuple[str, bytes]],
    *,
    strict: bool = False,
    segnala: Segnala = None,
    conta: Callable[[], None] = lambda: None,
) -> EsitoImportazione:
    """Import registry files (Sorgenti or (name, content) pairs), in one transaction.

    Raises FileNonValido (naming the file) if any file is not a registry CSV: then nothing is written.
    With `strict`, any invalid row means nothing is written (the result has `scritto=False`).
    Files are applied oldest year first, so the order on the command line does not matter.
    """
    comuni = dict(Comune.objects.values_list("codice_catastale", "id"))
    letti = [
        con_nome(lambda s: leggi_anagrafe(s, comuni, segnala=segnala, conta=conta), sorgente(f))
        for f in files
    ]
    letti.sort(key=lambda f: f.anno)
    if strict and any(f.n_non_valide for f in letti):
        return EsitoImportazione(rapporti=[_solo_lettura(f) for f in letti], scritto=False)
    with transaction.atomic():
        _blocca()
        rapporti = [_scrivi(f) for f in letti]
        transaction.on_commit(invalida_scuole)  # bulk writes send no signals: the cached pages are stale
    return EsitoImportazione(rapporti=rapporti, scritto=True)


def con_nome(leggi: Callable[[Sorgente], Any], file: Sorgente) -> Any:
    """`leggi(file)`, its refusal (or the reader's: gzip cap, binary content) naming the file."""
    try:
        return leggi(file)
    except FileRifiutato as exc:
        motivo = {"file": Path(file.nome).name, "motivo": exc}
        raise FileNonValido(_("%(file)s: %(motivo)s") % motivo) from exc


def _blocca() -> None:
    """Serialise concurrent imports: two uploads at once would both create the same new codes."""
    with connection.cursor() as cursore:
        cursore.execute("SELECT pg_advisory_xact_lock(%s)", [CHIAVE_BLOCCO])


def _solo_lettura(file: FileAnagrafe) -> RapportoFile:
    return RapportoFile(
        nome=file.nome,
        tipo=file.tipo,
        anno=file.anno,
        codifica=file.codifica,
        lette=file.lette,
        fuori_citta=file.fuori_citta,
        non_valide=file.non_valide,
        n_non_valide=file.n_non_valide,
    )


def importa_percorsi(percorsi: list[str | Path], *, strict: bool = False) -> EsitoImportazione:
    """Same as importa_anagrafe, reading the files from disk (streamed)."""
    return importa_anagrafe([Sorgente.da_percorso(p) for p in percorsi], strict=strict)
