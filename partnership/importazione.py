"""Import of organisations from CSV or XLSX (e.g. a Chamber of Commerce extract).

Same bad-input rules as the school import (distretti.importazione):
- a file that is not a readable CSV/XLSX with the required columns is refused with the reason;
- every invalid row is reported with its line number and skipped, or with `rigoroso` nothing is written;
- writes run in one transaction: an error half-way leaves the database as it was;
- upsert by tax code (codice fiscale / partita IVA): importing the same file twice changes nothing.

Columns (header row, case and accents ignored): nome, codice_fiscale (or partita_iva), and optionally
tipo, codice_ateco, comune (name, ISTAT or cadastral code; a comune outside the Città metropolitana is
kept as text), indirizzo, sito_web, contatto_nome, contatto_email, contatto_telefono, aree_s3 (names or
slugs separated by ';' or ','), profilo, pubblica (sì/no).
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alternanza.core.importazioni import Contesto, FileRifiutato
from alternanza.core.nomi import normalizza_nome
from distretti.models import Comune
from partnership.models import AreaS3, Organizzazione
from partnership.validatori import (
    normalizza_ateco,
    normalizza_codice_fiscale,
    sezione_ateco,
    valida_ateco,
    valida_codice_fiscale,
)

OBBLIGATORIE = ("nome", "codice_fiscale")
SINONIMI = {
    "partita_iva": "codice_fiscale",
    "p_iva": "codice_fiscale",
    "piva": "codice_fiscale",
    "codice_fiscale_partita_iva": "codice_fiscale",
    "denominazione": "nome",
    "ragione_sociale": "nome",
    "ateco": "codice_ateco",
    "sito": "sito_web",
    "email": "contatto_email",
    "telefono": "contatto_telefono",
}
CAMPI_TESTO = ("indirizzo", "contatto_nome", "contatto_telefono", "profilo")
# Fields compared to tell "updated" from "unchanged".
CAMPI = (
    "nome",
    "tipo",
    "codice_ateco",
    "sezione_ateco",
    "comune_id",
    "comune_esterno",
    "indirizzo",
    "sito_web",
    "contatto_nome",
    "contatto_email",
    "contatto_telefono",
    "profilo",
    "pubblica",
    "nome_normalizzato",
)
VERO = {"si", "sì", "s", "yes", "y", "true", "1", "x"}
FALSO = {"no", "n", "false", "0", ""}


class FileNonValido(FileRifiutato):
    """The file as a whole cannot be read as an organisations list."""


@dataclass
class EsitoImportazione:
    righe: int = 0
    create: int = 0
    aggiornate: int = 0
    invariate: int = 0
    errori: list[tuple[int, str]] = field(default_factory=list)
    errore_file: str = ""
    scritto: bool = False
    n_errori: int = 0

    def riepilogo(self) -> dict[str, int]:
        return {"create": self.create, "aggiornate": self.aggiornate, "invariate": self.invariate}


def _chiave(testo: str) -> str:
    testo = unicodedata.normalize("NFKD", str(testo or "")).encode("ascii", "ignore").decode()
    chiave = slugify(testo).replace("-", "_")
    return SINONIMI.get(chiave, chiave)


def _righe_csv(linee: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of a CSV given as text lines; the delimiter sniffed from the first 4 KiB."""
    iteratore = iter(linee)
    testa: list[str] = []
    letti = 0
    for linea in iteratore:
        if "\x00" in linea:
            raise FileNonValido(_("Il file non è un CSV di testo."))
        testa.append(linea)
        letti += len(linea)
        if letti >= 4096:
            break
    campione = "".join(testa)[:4096]
    try:
        dialetto: Any = csv.Sniffer().sniff(campione, delimiters=";,\t")
    except csv.Error:
        dialetto = csv.excel
        dialetto.delimiter = ";" if campione.count(";") > campione.count(",") else ","
    lettore = csv.reader(itertools.chain(testa, iteratore), dialetto)
    try:
        for valori in lettore:
            yield lettore.line_num, valori
    except csv.Error as exc:
        raise FileNonValido(
            _("Il CSV non si può leggere alla riga %(n)d (%(errore)s).")
            % {"n": lettore.line_num, "errore": exc}
        ) from exc


def _righe_xlsx(sorgente: Any) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        libro = load_workbook(sorgente, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (zipfile, KeyError, InvalidFileException)
        raise FileNonValido(_("Il file non è un foglio XLSX leggibile.")) from exc
    try:
        for n, valori in enumerate(libro.worksheets[0].iter_rows(values_only=True), start=1):
            yield n, ["" if v is None else str(v).strip() for v in valori]
    finally:
        libro.close()


def _con_intestazione(numerate: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, dict]]:
    """(line number, {column: value}) of every non-empty data row; the header checked first."""
    intestazione = None
    for numero, valori in numerate:
        if intestazione is None:
            intestazione = [_chiave(v) for v in valori]
            mancanti = [c for c in OBBLIGATORIE if c not in intestazione]
            if mancanti:
                raise FileNonValido(
                    _("Mancano le colonne obbligatorie: %(colonne)s.") % {"colonne": ", ".join(mancanti)}
                )
            continue
        if not any(str(v).strip() for v in valori):
            continue
        yield numero, {k: str(v).strip() for k, v in zip(intestazione, valori, strict=False) if k}
    if intestazione is None:
        raise FileNonValido(_("Il file è vuoto."))


def _e_xlsx(nome: str, testa: bytes) -> bool:
    return nome.lower().endswith(".xlsx") or testa[:2] == b"PK"


def leggi(nome: str, dati: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: value}) for every non-empty data row of a file in memory; FileNonValido."""
    if _e_xlsx(nome, dati):
        return list(_con_intestazione(_righe_xlsx(io.BytesIO(dati))))
    for codifica in ("utf-8-sig", "cp1252"):
        try:
            testo = dati.decode(codifica)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise FileNonValido(_("Il file non è un testo CSV leggibile."))
    return list(_con_intestazione(_righe_csv(io.StringIO(testo, newline=""))))


class _Risolutore:
    """Lookups loaded once per import (comuni, S3 areas, type labels)."""

    def __init__(self):
        self.comuni = {}
        for c in Comune.objects.all():
            for k in (c.nome.lower(), c.codice_istat, c.codice_catastale.upper()):
                self.comuni[k] = c.pk
        self.aree = {}
        for a in AreaS3.objects.all():
            self.aree[a.slug] = a.pk
            self.aree[a.nome.lower()] = a.pk
        self.tipi = {}
        for valore, etichetta in Organizzazione.Tipo.choices:
            self.tipi[valore] = valore
            self.tipi[str(etichetta).lower()] = valore

    def comune(self, testo: str):
        t = testo.strip()
        return self.comuni.get(t.lower()) or self.comuni.get(t.upper()) or self.comuni.get(t.zfill(6))


def _valida_riga(riga: dict, r: _Risolutore) -> tuple[dict, list[int], list[str]]:
    errori = []
    nome = riga.get("nome", "")
    if not nome:
        errori.append(_("il nome è obbligatorio"))
    elif len(nome) > 255:
        errori.append(_("il nome supera 255 caratteri"))
    cf = normalizza_codice_fiscale(riga.get("codice_fiscale", ""))
    if not cf:
        errori.append(_("il codice fiscale / partita IVA è obbligatorio"))
    else:
        try:
            valida_codice_fiscale(cf)
        except ValidationError as exc:
            errori.extend(exc.messages)
    tipo_testo = riga.get("tipo", "").strip().lower()
    tipo = (
        r.tipi.get(tipo_testo) or r.tipi.get(_chiave(tipo_testo))
        if tipo_testo
        else Organizzazione.Tipo.IMPRESA
    )
    if not tipo:
        errori.append(_("tipo sconosciuto: %(tipo)s") % {"tipo": riga.get("tipo")})
    ateco = riga.get("codice_ateco", "")
    if ateco:
        try:
            valida_ateco(ateco)
        except ValidationError as exc:
            errori.extend(exc.messages)
    comune_testo = riga.get("comune", "")
    comune_id = r.comune(comune_testo) if comune_testo else None
    email = riga.get("contatto_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errori.append(_("e-mail non valida: %(email)s") % {"email": email})
    sito = riga.get("sito_web", "")
    if sito:
        if "://" not in sito:
            sito = "https://" + sito
        try:
            URLValidator(schemes=["http", "https"])(sito)
        except ValidationError:
            errori.append(_("sito web non valido: %(sito)s") % {"sito": riga.get("sito_web")})
    aree = []
    for parte in riga.get("aree_s3", "").replace(",", ";").split(";"):
        parte = parte.strip().lower()
        if not parte:
            continue
        pk = r.aree.get(parte) or r.aree.get(slugify(parte))
        if pk is None:
            errori.append(_("area S3 sconosciuta: %(area)s") % {"area": parte})
        else:
            aree.append(pk)
    pubblica_testo = riga.get("pubblica", "").strip().lower()
    if pubblica_testo not in VERO | FALSO:
        errori.append(
            _("valore di 'pubblica' non riconosciuto: %(v)s (usa sì/no)") % {"v": riga.get("pubblica")}
        )
    valori = {
        "nome": nome[:255],
        "codice_fiscale": cf,
        "tipo": tipo,
        "codice_ateco": normalizza_ateco(ateco),
        "sezione_ateco": sezione_ateco(ateco) if ateco else "",
        "comune_id": comune_id,
        "comune_esterno": "" if comune_id or not comune_testo else comune_testo[:100],
        "sito_web": sito[:200],
        "contatto_email": email[:254],
        "pubblica": pubblica_testo in VERO,
        "nome_normalizzato": normalizza_nome(nome[:255]),  # bulk writes skip save(), which sets it
    }
    for campo in CAMPI_TESTO:
        campo_modello = Organizzazione._meta.get_field(campo)
        massimo = campo_modello.max_length if isinstance(campo_modello, models.Field) else None
        valori[campo] = riga.get(campo, "")[: massimo or None]
    return valori, aree, errori


BLOCCO_SCRITTURA = 2000


def importa_righe(
    righe: Iterable[tuple[int, dict]],
    *,
    rigoroso: bool = False,
    errore: Callable[[int, str], None],
    conta: Callable[[], None] = lambda: None,
) -> EsitoImportazione:
    """Validate and upsert a stream of rows in blocks, in one transaction (see the module docstring).

    Rows are never all in memory: each block of BLOCCO_SCRITTURA valid rows is written and dropped; only
    the tax codes seen so far are kept, to report a code repeated further down the file.
    """
    esito = EsitoImportazione()
    risolutore = _Risolutore()
    righe_cf: dict[str, int] = {}
    blocco: dict[str, tuple[dict, list[int]]] = {}

    def segnala(numero: int, testo: str) -> None:
        esito.n_errori += 1
        errore(numero, testo)

    try:
        with transaction.atomic():
            for numero, riga in righe:
                conta()
                esito.righe += 1
                valori, aree, errori = _valida_riga(riga, risolutore)
                cf = valori["codice_fiscale"]
                if not errori and cf in righe_cf:
                    errori.append(
                        _("codice fiscale %(cf)s già presente alla riga %(r)d")
                        % {"cf": cf, "r": righe_cf[cf]}
                    )
                if errori:
                    segnala(numero, "; ".join(errori))
                    continue
                righe_cf[cf] = numero
                if rigoroso and esito.n_errori:
                    continue  # nothing will be written: only the errors are still worth finding
                blocco[cf] = (valori, aree)
                if len(blocco) >= BLOCCO_SCRITTURA:
                    _scrivi(blocco, esito)
                    blocco = {}
            if rigoroso and esito.n_errori:
                raise _Annulla
            _scrivi(blocco, esito)
    except _Annulla:
        esito.create = esito.aggiornate = esito.invariate = 0
        return esito
    except IntegrityError:
        # Another import (or a staff edit) created one of these tax codes meanwhile: nothing was written.
        esito.create = esito.aggiornate = esito.invariate = 0
        raise FileNonValido(
            _("Un'altra modifica concorrente ha creato alcune di queste organizzazioni: riprova.")
        ) from None
    esito.scritto = True
    return esito


class _Annulla(Exception):
    """Raised inside the transaction to roll back a strict import that found errors."""


def importa_organizzazioni(nome: str, dati: bytes, *, rigoroso: bool = False) -> EsitoImportazione:
    """A file in memory, imported in the caller's process (the management command, the tests)."""
    errori: list[tuple[int, str]] = []
    try:
        esito = importa_righe(
            leggi(nome, dati), rigoroso=rigoroso, errore=lambda n, testo: errori.append((n, testo))
        )
    except FileNonValido as exc:
        return EsitoImportazione(errore_file=str(exc))
    esito.errori = errori
    return esito


def importa_file(contesto: Contesto) -> tuple[dict[str, int], bool]:
    """The import job (alternanza.core.importazioni): the uploaded file streamed, never read whole."""
    with contesto.binario() as binario:
        testa = binario.read(4)
    if _e_xlsx(contesto.nome, testa):
        righe = _con_intestazione(_righe_xlsx(contesto.percorso))
    else:
        righe = _con_intestazione(_righe_csv(contesto.righe_di_testo()))
    esito = importa_righe(
        righe,
        rigoroso=bool(contesto.opzioni.get("rigoroso")),
        errore=contesto.errore,
        conta=contesto.conta_riga,
    )
    return esito.riepilogo(), esito.scritto


def _scrivi(valide: dict[str, tuple[dict, list[int]]], esito: EsitoImportazione) -> None:
    esistenti = {
        o.codice_fiscale: o
        for o in Organizzazione.objects.filter(codice_fiscale__in=list(valide)).prefetch_related("aree_s3")
    }
    nuove, da_aggiornare, aree_da_impostare = [], [], {}
    for cf, (valori, aree) in valide.items():
        org = esistenti.get(cf)
        if org is None:
            org = Organizzazione(**valori, slug=f"{slugify(valori['nome'])[:250]}-{cf.lower()}")
            nuove.append(org)
            aree_da_impostare[cf] = set(aree)
            continue
        cambiati = [c for c in CAMPI if valori[c] != getattr(org, c)]
        aree_attuali = {a.pk for a in org.aree_s3.all()}
        # An import adds S3 areas, it never removes those staff set by hand.
        aree_nuove = set(aree) - aree_attuali
        if cambiati:
            for c in cambiati:
                setattr(org, c, valori[c])
            org.aggiornata_il = timezone.now()  # bulk_update skips auto_now
            da_aggiornare.append(org)
        if aree_nuove:
            aree_da_impostare[cf] = aree_nuove
        if cambiati or aree_nuove:
            esito.aggiornate += 1
        else:
            esito.invariate += 1
    Organizzazione.objects.bulk_create(nuove, batch_size=1000)
    esito.create += len(nuove)
    if da_aggiornare:
        Organizzazione.objects.bulk_update(da_aggiornare, [*CAMPI, "aggiornata_il"], batch_size=1000)
    if aree_da_impostare:
        pk_per_cf = dict(
            Organizzazione.objects.filter(codice_fiscale__in=list(aree_da_impostare)).values_list(
                "codice_fiscale", "pk"
            )
        )
        Through = Organizzazione.aree_s3.through
        Through.objects.bulk_create(
            [
                Through(organizzazione_id=pk_per_cf[cf], areas3_id=a)
                for cf, aree in aree_da_impostare.items()
                for a in aree
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    if nuove or da_aggiornare or aree_da_impostare:
        from partnership.signals import invalida_rete

        invalida_rete()
