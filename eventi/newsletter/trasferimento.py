"""CSV import (existing lists with documented consent) and export of the subscribers.

Import is all-or-nothing: if any row is wrong nothing is written and the staff get the list of errors
with line numbers (the job's page and its CSV). Addresses already known are left exactly as they are (an
unsubscribed address is never re-subscribed by an import). It runs as a job on a worker
(alternanza.core.importazioni, `importa_caricato`): the rows are streamed and written in blocks inside
one transaction, rolled back at the end if any row was wrong; after the first error nothing more is
written, the rows are only checked, so every error is reported at once.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.importazioni import Contesto, FileRifiutato
from distretti.models import AmbitoTematico, Distretto

from .forms import dominio_usa_e_getta, normalizza_email
from .models import AzioneConsenso, ConsensoRegistro, FonteConsenso, Iscritto, Pubblico, StatoIscritto

COLONNE_ESPORTAZIONE = [
    "email",
    "stato",
    "distretti",
    "ambiti",
    "pubblici",
    "lingua",
    "fonte",
    "consenso_versione",
    "consenso_il",
    "consenso_ip",
    "importato_con_consenso",
    "nota_consenso",
    "creato_il",
    "confermato_il",
    "disiscritto_il",
    "non_recapitabile_il",
    "motivo_pausa",
]
_SEPARATORI_VALORI = re.compile(r"[|;,]")


BLOCCO_SCRITTURA = 2000


@dataclass
class EsitoImportazione:
    n_errori: int = 0
    creati: int = 0
    gia_presenti: int = 0
    righe: int = 0

    @property
    def ok(self) -> bool:
        return not self.n_errori


class _Annulla(Exception):
    """Raised inside the transaction to roll back an import that found errors."""


def _righe(linee: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) of every row of a CSV given as text lines; FileRifiutato if the
    header has no e-mail column."""
    linee = iter(linee)
    prima = next(linee, "")
    delimitatore = ";" if prima.count(";") > prima.count(",") else ","
    lettore = csv.DictReader(itertools.chain([prima], linee), delimiter=delimitatore)
    if not lettore.fieldnames or "email" not in [c.strip().lower() for c in lettore.fieldnames]:
        raise FileRifiutato(_("Manca la colonna «email» nella prima riga."))
    ultima = lettore.line_num
    try:
        for riga in lettore:
            numero, ultima = ultima + 1, lettore.line_num
            yield numero, {(k or "").strip().lower(): (v or "").strip() for k, v in riga.items() if k}
    except csv.Error as exc:
        raise FileRifiutato(
            _("Il CSV non si può leggere alla riga %(n)d (%(errore)s).")
            % {"n": lettore.line_num, "errore": exc}
        ) from exc


def importa_righe(
    linee: Iterable[str],
    nota_consenso: str,
    utente: User | None,
    ip: str | None,
    *,
    errore: Callable[[int, str], None],
    conta: Callable[[], None] = lambda: None,
) -> EsitoImportazione:
    """Import the rows of a CSV of addresses whose consent is documented (see module docstring)."""
    esito = EsitoImportazione()
    distretti = {d.slug: d.pk for d in Distretto.objects.all()}
    ambiti = {a.slug: a.pk for a in AmbitoTematico.objects.all()}
    pubblici = {p.codice: p.pk for p in Pubblico.objects.all()}
    esistenti = {e.lower() for e in Iscritto.objects.values_list("email", flat=True)}
    visti: set[str] = set()
    adesso = timezone.now()
    chi = utente.get_username() if utente is not None else "?"
    nota = f"{nota_consenso}\n({_('importato da')} {chi}, {adesso:%Y-%m-%d %H:%M})"
    blocco: list[tuple[str, list[int], list[int], list[int]]] = []

    def segnala(numero: int, testo: str) -> None:
        esito.n_errori += 1
        errore(numero, testo)

    try:
        with transaction.atomic():
            for numero_riga, riga in _righe(linee):
                conta()
                esito.righe += 1
                email = normalizza_email(riga.get("email", ""))
                try:
                    validate_email(email)
                except ValidationError:
                    segnala(numero_riga, _("indirizzo e-mail non valido: «%(v)s»") % {"v": email[:100]})
                    continue
                if dominio_usa_e_getta(email):
                    segnala(numero_riga, _("indirizzo temporaneo (usa e getta): %(v)s") % {"v": email})
                    continue
                scelte: list[list[int]] = []
                for colonna, mappa in (("distretti", distretti), ("ambiti", ambiti), ("pubblici", pubblici)):
                    valori = [v.strip() for v in _SEPARATORI_VALORI.split(riga.get(colonna, "")) if v.strip()]
                    sconosciuti = [v for v in valori if v not in mappa]
                    if sconosciuti:
                        segnala(
                            numero_riga,
                            _("%(colonna)s sconosciuti: %(valori)s")
                            % {"colonna": colonna, "valori": ", ".join(sconosciuti)},
                        )
                    scelte.append([mappa[v] for v in valori if v in mappa])
                chiave = email.lower()
                if chiave in esistenti or chiave in visti:
                    esito.gia_presenti += 1
                    continue
                visti.add(chiave)
                if esito.n_errori:
                    continue  # nothing will be written: only the errors are still worth finding
                distretti_scelti, ambiti_scelti, pubblici_scelti = scelte
                blocco.append((email, distretti_scelti, ambiti_scelti, pubblici_scelti))
                if len(blocco) >= BLOCCO_SCRITTURA:
                    esito.creati += _scrivi(blocco, nota, adesso, ip)
                    blocco = []
            if esito.n_errori:
                raise _Annulla
            esito.creati += _scrivi(blocco, nota, adesso, ip)
    except _Annulla:
        esito.creati = 0
    return esito


def _scrivi(nuovi: list[tuple[str, list[int], list[int], list[int]]], nota: str, adesso, ip) -> int:
    creati = Iscritto.objects.bulk_create(
        [
            Iscritto(
                email=email,
                stato=StatoIscritto.CONFERMATO,
                fonte=FonteConsenso.IMPORTAZIONE,
                importato_con_consenso=True,
                nota_consenso=nota,
                consenso_il=adesso,
                confermato_il=adesso,
                consenso_versione="importazione",
            )
            for email, *_resto in nuovi
        ],
        batch_size=2000,
    )
    through_d, through_a, through_p = (
        Iscritto.distretti.through,
        Iscritto.ambiti.through,
        Iscritto.pubblici.through,
    )
    righe_d, righe_a, righe_p, consensi = [], [], [], []
    for iscritto, (_email, ds, as_, ps) in zip(creati, nuovi, strict=True):
        righe_d += [through_d(iscritto_id=iscritto.pk, distretto_id=d) for d in ds]
        righe_a += [through_a(iscritto_id=iscritto.pk, ambitotematico_id=a) for a in as_]
        righe_p += [through_p(iscritto_id=iscritto.pk, pubblico_id=p) for p in ps]
        consensi.append(
            ConsensoRegistro(
                iscritto=iscritto,
                azione=AzioneConsenso.IMPORTAZIONE,
                il=adesso,
                ip=ip,
                versione_testo="importazione",
                fonte=FonteConsenso.IMPORTAZIONE,
                nota=nota,
            )
        )
    through_d.objects.bulk_create(righe_d, batch_size=5000)
    through_a.objects.bulk_create(righe_a, batch_size=5000)
    through_p.objects.bulk_create(righe_p, batch_size=5000)
    ConsensoRegistro.objects.bulk_create(consensi, batch_size=2000)
    return len(creati)


def importa_caricato(contesto: Contesto) -> tuple[dict[str, int], bool]:
    """The import job (alternanza.core.importazioni): the uploaded CSV streamed, the consent note and
    the uploader's address kept as options of the job."""
    codifica, linee = contesto.testo()
    if codifica != "utf-8-sig":
        raise FileRifiutato(_("Il file non è in codifica UTF-8."))
    esito = importa_righe(
        linee,
        contesto.opzioni.get("nota_consenso", ""),
        contesto.importazione.richiesta_da,
        contesto.opzioni.get("ip") or None,
        errore=contesto.errore,
        conta=contesto.conta_riga,
    )
    return {"creati": esito.creati, "gia_presenti": esito.gia_presenti}, esito.ok


def _cella(valore) -> str:
    """A CSV cell safe to open in a spreadsheet (no formula injection)."""
    testo = "" if valore is None else str(valore)
    return "'" + testo if testo[:1] in ("=", "+", "-", "@", "\t", "\r") else testo


class _Eco:
    def write(self, valore):
        return valore


def _righe_esportazione(qs):
    # The office exports' conventions (Excel in Italian): BOM, ";" between the fields.
    scrittore = csv.writer(_Eco(), delimiter=";")
    yield "\ufeff" + scrittore.writerow(COLONNE_ESPORTAZIONE)
    qs = qs.order_by("pk").prefetch_related("distretti", "ambiti", "pubblici")
    for i in qs.iterator(chunk_size=2000):
        yield scrittore.writerow(
            [
                _cella(v)
                for v in (
                    i.email,
                    i.stato,
                    "|".join(d.slug for d in i.distretti.all()),
                    "|".join(a.slug for a in i.ambiti.all()),
                    "|".join(p.codice for p in i.pubblici.all()),
                    i.lingua,
                    i.fonte,
                    i.consenso_versione,
                    i.consenso_il.isoformat() if i.consenso_il else "",
                    i.consenso_ip,
                    "sì" if i.importato_con_consenso else "no",
                    i.nota_consenso,
                    i.creato_il.isoformat(),
                    i.confermato_il.isoformat() if i.confermato_il else "",
                    i.disiscritto_il.isoformat() if i.disiscritto_il else "",
                    i.non_recapitabile_il.isoformat() if i.non_recapitabile_il else "",
                    i.motivo_pausa,
                )
            ]
        )


def esporta_csv(qs=None) -> StreamingHttpResponse:
    """The subscribers of `qs` (all when None) as CSV."""
    qs = Iscritto.objects.all() if qs is None else qs
    risposta = StreamingHttpResponse(_righe_esportazione(qs), content_type="text/csv; charset=utf-8")
    nome = f"iscritti-newsletter-{timezone.localdate():%Y%m%d}.csv"
    risposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return risposta
