"""File imports run by a worker: the upload returns at once, a page follows the progress, the rows with
errors go to a CSV of all of them (the page shows the first ANTEPRIMA_ERRORI).

An app registers what a kind of import does (`registra(tipo, funzione)`, in its AppConfig.ready); the
function gets a `Contesto` — the uploaded file(s) as streams of text lines (gzip opened on the fly, the
decompressed size capped, the encoding found once), the options of the form, `errore(riga, testo)` and
`conta_riga()` — and returns a summary dict and whether it wrote anything. A kind that takes several
files at once (the school registry) gets them all in one job, so that one transaction keeps them
all-or-nothing; a kind whose summary is more than counts by name gives the template that shows it.

Rules every import keeps:
- nothing is read whole into memory: rows are streamed, errors are written to a temporary CSV as found;
- a gzip file may expand to MASSIMO_DECOMPRESSO bytes (a bomb is refused, with the reason, as soon as it
  passes the cap); more than MASSIMO_RIGHE rows is refused too;
- `FileRifiutato` (the file is not what it should be) ends the job "errore" with the reason in words and
  is never retried; any other exception ends it "errore" with a generic reason (and the traceback in the
  log): retrying a bad file gives the same result. The requester gets a mail either way.
- progress goes through the cache (the import writes inside one transaction, so a progress row would be
  invisible until the end); with Redis down the page shows only the state, which is the database's.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
import os
import re
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alternanza.core.compiti import accoda
from alternanza.core.esportazioni import neutralizza_formula

logger = logging.getLogger("alternanza.importazioni")

MASSIMO_DECOMPRESSO = 50 * 1024 * 1024
MASSIMO_RIGHE = 500_000
ANTEPRIMA_ERRORI = 50
BLOCCO = 1024 * 1024
DURATA_PROGRESSO = 6 * 3600


IMPREVISTO = gettext_lazy(
    "Errore imprevisto durante l'importazione: nulla è stato scritto. Il personale tecnico è avvisato."
)


class FileRifiutato(Exception):
    """The file as a whole cannot be imported: the message says why, in words for the person."""


@dataclass
class Tipo:
    tipo: str
    etichetta: Any
    funzione: Callable[[Contesto], tuple[dict[str, Any], bool]]
    url_ritorno: str  # URL name of the page that uploads this kind of file
    modello_riepilogo: str = ""  # template of the summary on the result page; "" = counts by name


_TIPI: dict[str, Tipo] = {}


def registra(tipo: str, etichetta, funzione, url_ritorno: str, modello_riepilogo: str = "") -> None:
    _TIPI[tipo] = Tipo(tipo, etichetta, funzione, url_ritorno, modello_riepilogo)


def tipo(nome: str) -> Tipo:
    return _TIPI[nome]


# --- Reading a file with limits ------------------------------------------------------------------------


class _Limitato(io.RawIOBase):
    """A binary stream that refuses to give more than `massimo` bytes (the decompressed side of gzip);
    closing it closes the file under it too."""

    def __init__(self, interno: Any, massimo: int, grezzo: Any) -> None:
        self.interno, self.massimo, self.letti, self.grezzo = interno, massimo, 0, grezzo

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        try:
            self.interno.close()
            self.grezzo.close()
        finally:
            super().close()

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            dati = self.interno.read(len(buffer))
        except EOFError as exc:
            raise FileRifiutato(_("L'archivio gzip è incompleto.")) from exc
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise FileRifiutato(
                _("L'archivio gzip non si può leggere (%(errore)s).") % {"errore": exc}
            ) from exc
        self.letti += len(dati)
        if self.letti > self.massimo:
            raise FileRifiutato(
                _("Il file decompresso supera %(mb)d MB: dividilo in parti più piccole.")
                % {"mb": self.massimo // (1024 * 1024)}
            )
        buffer[: len(dati)] = dati
        return len(dati)


def apri_binario(grezzo: IO[bytes], massimo: int | None = None) -> IO[bytes]:
    """The file's bytes: gunzipped on the fly when it is gzip, never more than `massimo` of them."""
    massimo = MASSIMO_DECOMPRESSO if massimo is None else massimo
    grezzo.seek(0)
    testa = grezzo.read(2)
    grezzo.seek(0)
    interno: Any = gzip.GzipFile(fileobj=grezzo, mode="rb") if testa == b"\x1f\x8b" else grezzo
    return io.BufferedReader(_Limitato(interno, massimo, grezzo), BLOCCO)


def decomprimi(dati: bytes, massimo: int | None = None) -> bytes:
    """`dati` gunzipped when they are gzip (every member), refused (FileRifiutato) beyond `massimo` bytes:
    decompression stops at the cap instead of expanding a bomb whole."""
    if dati[:2] != b"\x1f\x8b":
        return dati
    massimo = MASSIMO_DECOMPRESSO if massimo is None else massimo
    risultato = bytearray()
    resto = dati
    while resto:
        d = zlib.decompressobj(wbits=31)
        try:
            risultato += d.decompress(resto, massimo + 1 - len(risultato))
        except zlib.error as exc:
            raise FileRifiutato(
                _("L'archivio gzip non si può leggere (%(errore)s).") % {"errore": exc}
            ) from exc
        if len(risultato) > massimo or d.unconsumed_tail:
            raise FileRifiutato(
                _("Il file decompresso supera %(mb)d MB: dividilo in parti più piccole.")
                % {"mb": massimo // (1024 * 1024)}
            )
        if not d.eof:
            raise FileRifiutato(_("L'archivio gzip è incompleto."))
        resto = d.unused_data
    return bytes(risultato)


# The five bytes Windows-1252 leaves undefined: a file with one of them is read as Latin-1.
_FUORI_CP1252 = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def codifica(apri: Callable[[], IO[bytes]]) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252 (Latin-1 when
    a byte is undefined there); a NUL byte means a binary file. One streaming pass, nothing kept."""
    decodificatore = codecs.getincrementaldecoder("utf-8")()
    utf8, cp1252 = True, True
    with apri() as flusso:
        while blocco := flusso.read(BLOCCO):
            if b"\x00" in blocco:
                raise FileRifiutato(_("Il file non è un CSV di testo (contenuto binario)."))
            if utf8:
                try:
                    decodificatore.decode(blocco)
                except UnicodeDecodeError:
                    utf8 = False
            if cp1252 and _FUORI_CP1252.search(blocco):
                cp1252 = False
    if utf8:
        return "utf-8-sig"
    return "cp1252" if cp1252 else "latin-1"


def leggi_testo(apri: Callable[[], IO[bytes]]) -> tuple[str, Iterator[str]]:
    """The encoding of a file (`codifica`) and its text line by line, streamed from a fresh `apri()`."""
    cod = codifica(apri)

    def righe() -> Iterator[str]:
        with apri() as binario:
            yield from io.TextIOWrapper(binario, encoding=cod, newline="")

    return cod, righe()


# --- The job ---------------------------------------------------------------------------------------------


@dataclass
class FileLocale:
    """One uploaded file, copied to the worker's disk."""

    nome: str
    percorso: str
    dimensione: int


@dataclass
class Contesto:
    importazione: Any
    files: list[FileLocale]  # in the order they were uploaded; most kinds take one
    errori_csv: Any  # csv.writer on the temporary file of the errors
    anteprima: list[list[Any]] = field(default_factory=list)
    n_errori: int = 0
    righe: int = 0
    _ultimo: float = 0.0
    _letti: int = 0  # bytes of the files read to the end (the progress runs over all of them)

    @property
    def percorso(self) -> str:
        return self.files[0].percorso

    @property
    def nome(self) -> str:
        return self.files[0].nome

    @property
    def opzioni(self) -> dict:
        return self.importazione.opzioni

    def binario(self, n: int = 0) -> IO[bytes]:
        """A fresh binary stream of the n-th file (decompressed, capped)."""
        return apri_binario(open(self.files[n].percorso, "rb"))  # noqa: SIM115 - closed by the caller's with

    def testo(self, n: int = 0) -> tuple[str, Iterator[str]]:
        """The n-th file's encoding and its text, line by line (the progress follows the bytes read)."""
        cod = codifica(lambda: self.binario(n))
        locale = self.files[n]

        def righe() -> Iterator[str]:
            with open(locale.percorso, "rb") as grezzo:
                testo = io.TextIOWrapper(apri_binario(grezzo), encoding=cod, newline="")
                for riga in testo:
                    yield riga
                    self._avanza_byte(self._letti + grezzo.tell())
            self._letti += locale.dimensione

        return cod, righe()

    def righe_di_testo(self, n: int = 0) -> Iterator[str]:
        """The n-th file's text, line by line, in its encoding."""
        return self.testo(n)[1]

    def errore(self, riga: int, messaggio: str) -> None:
        self.n_errori += 1
        self.errori_csv.writerow([riga, neutralizza_formula(messaggio)])
        if len(self.anteprima) < ANTEPRIMA_ERRORI:
            self.anteprima.append([riga, messaggio])

    def conta_riga(self) -> None:
        self.righe += 1
        if self.righe > MASSIMO_RIGHE:
            raise FileRifiutato(
                _("Il file ha più di %(n)d righe: dividilo in parti più piccole.") % {"n": MASSIMO_RIGHE}
            )

    def _avanza_byte(self, posizione: int) -> None:
        adesso = timezone.now().timestamp()
        if adesso - self._ultimo >= 1:
            self._ultimo = adesso
            totale = max(1, sum(f.dimensione for f in self.files))
            salva_progresso(self.importazione.pk, min(99, 100 * posizione // totale), self.righe)


def chiave_progresso(pk: int) -> str:
    return f"importazione:{pk}:progresso"


def salva_progresso(pk: int, percento: int, righe: int) -> None:
    cache.set(chiave_progresso(pk), (int(percento), int(righe)), DURATA_PROGRESSO)


def progresso(importazione) -> tuple[int, int]:
    """(percent, rows read) of a running import; the database's values when the cache has none."""
    if importazione.stato == importazione.Stato.IN_CORSO:
        valore = cache.get(chiave_progresso(importazione.pk))
        if valore:
            return valore
    return importazione.progresso, importazione.righe


def recenti(nome_tipo: str, quante: int = 5):
    """The latest imports of a kind, for the upload page (area/importazioni_recenti.html)."""
    from alternanza.core.models import Importazione

    return Importazione.objects.filter(tipo=nome_tipo).only(
        "pk", "nome_file", "creata_il", "stato", "n_errori"
    )[:quante]


def richiedi(
    nome_tipo: str, caricato: UploadedFile | Sequence[UploadedFile], utente, opzioni: dict | None = None
):
    """Keep the uploaded file(s) and queue their import, one job; the row the result page follows."""
    from alternanza.core.models import FileImportazione, Importazione

    tipo(nome_tipo)  # an unknown kind is a programming error, not a job
    caricati = [caricato] if isinstance(caricato, UploadedFile) else list(caricato)
    nomi = [(c.name or "file")[:255] for c in caricati]
    importazione = Importazione(
        tipo=nome_tipo, nome_file=", ".join(nomi)[:255], opzioni=opzioni or {}, richiesta_da=utente
    )
    with transaction.atomic():
        if len(caricati) == 1:
            importazione.file.save(nomi[0], caricati[0], save=False)
        importazione.save()
        if len(caricati) > 1:
            for nome, uno in zip(nomi, caricati, strict=True):
                aggiunto = FileImportazione(importazione=importazione, nome_file=nome)
                aggiunto.file.save(nome, uno, save=False)
                aggiunto.save()
        from alternanza.core.tasks import esegui_importazione

        accoda(esegui_importazione, importazione.pk)  # sent once the rows are committed
    return importazione


def esegui(pk: int) -> str:
    """Run one import (the worker's task). Safe to run twice: a finished import is left alone, and a
    redelivered one (the worker died) starts again from the file: it wrote nothing, one transaction."""
    from alternanza.core.models import Importazione

    S = Importazione.Stato
    presa = Importazione.objects.filter(pk=pk, stato__in=[S.IN_CODA, S.IN_CORSO]).update(
        stato=S.IN_CORSO, avviata_il=timezone.now(), progresso=0
    )
    if not presa:
        return "già finita"
    importazione = Importazione.objects.get(pk=pk)
    with (
        tempfile.NamedTemporaryFile("w+", suffix=".csv", encoding="utf-8-sig", newline="") as temporaneo,
        tempfile.TemporaryDirectory() as cartella,
    ):
        # Local copies (the private storage may be an object store): read as many times as the import needs.
        files = []
        for n, (nome, campo) in enumerate(importazione.tutti_i_file()):
            percorso = os.path.join(cartella, str(n))
            with campo.open("rb") as caricato, open(percorso, "wb") as locale:
                while blocco := caricato.read(BLOCCO):
                    locale.write(blocco)
            files.append(FileLocale(nome, percorso, max(1, os.path.getsize(percorso))))
        scrittore = csv.writer(temporaneo, delimiter=";")
        scrittore.writerow([_("Riga"), _("Errore")])
        contesto = Contesto(importazione, files, scrittore)
        try:
            riepilogo, scritto = tipo(importazione.tipo).funzione(contesto)
        except FileRifiutato as exc:
            _chiudi(importazione, S.ERRORE, contesto, temporaneo, messaggio=str(exc))
        except Exception:
            logger.exception("importazione %s (%s) non riuscita", pk, importazione.tipo)
            _chiudi(
                importazione,
                S.ERRORE,
                contesto,
                temporaneo,
                messaggio=str(IMPREVISTO),
            )
        else:
            importazione.riepilogo = riepilogo
            _chiudi(importazione, S.COMPLETATA if scritto else S.SCARTATA, contesto, temporaneo)
    return importazione.stato


def _chiudi(importazione, stato: str, contesto: Contesto, temporaneo, messaggio: str = "") -> None:
    importazione.stato = stato
    importazione.messaggio = messaggio
    importazione.finita_il = timezone.now()
    importazione.progresso = 100
    importazione.righe = contesto.righe
    importazione.n_errori = contesto.n_errori
    importazione.errori = contesto.anteprima
    if contesto.n_errori:
        temporaneo.flush()
        temporaneo.seek(0)
        importazione.file_errori.save(f"errori-{importazione.pk}.csv", File(temporaneo), save=False)
    importazione.save()
    cache.delete(chiave_progresso(importazione.pk))
    transaction.on_commit(lambda: avvisa_richiedente(importazione))


ESITI = {
    "completata": gettext_lazy("completata"),
    "scartata": gettext_lazy("completata senza scrivere nulla"),
    "errore": gettext_lazy("non riuscita"),
}


def avvisa_richiedente(importazione) -> None:
    """The mail to whoever uploaded the file: the outcome and the link to the result page."""
    from django.urls import reverse

    from alternanza.core.email import destinatari_utenti, invia_modello

    utente = importazione.richiesta_da
    if utente is None or not utente.email:
        return
    invia_modello(
        "core/email/importazione",
        destinatari_utenti(type(utente).objects.filter(pk=utente.pk)),
        {
            "importazione": importazione,
            "etichetta": tipo(importazione.tipo).etichetta,
            "esito": ESITI.get(importazione.stato, importazione.stato),
            "url": settings.SITE_URL.rstrip("/") + reverse("area:importazione", args=[importazione.pk]),
        },
    )
