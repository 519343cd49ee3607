"""CSV import (existing lists with documented consent) and export of the subscribers.

Import is all-or-nothing: every row is checked first; if any row is wrong nothing is written and the
staff get the list of errors with line numbers. Addresses already known are left exactly as they are
(an unsubscribed address is never re-subscribed by an import).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

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


@dataclass
class EsitoImportazione:
    errori: list[tuple[int, str]] = field(default_factory=list)
    creati: int = 0
    gia_presenti: int = 0
    righe: int = 0

    @property
    def ok(self) -> bool:
        return not self.errori


def _leggi(file: UploadedFile) -> list[dict[str, str]] | str:
    grezzo = file.read()
    try:
        testo = grezzo.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("Il file non è in codifica UTF-8.")
    prima = testo.splitlines()[0] if testo.strip() else ""
    delimitatore = ";" if prima.count(";") > prima.count(",") else ","
    lettore = csv.DictReader(io.StringIO(testo), delimiter=delimitatore)
    if not lettore.fieldnames or "email" not in [c.strip().lower() for c in lettore.fieldnames]:
        return _("Manca la colonna «email» nella prima riga.")
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in riga.items()} for riga in lettore]


def importa_csv(file: UploadedFile, nota_consenso: str, utente: User, ip: str | None) -> EsitoImportazione:
    """Import a CSV of addresses whose consent is documented (see module docstring)."""
    esito = EsitoImportazione()
    righe = _leggi(file)
    if isinstance(righe, str):
        esito.errori.append((1, righe))
        return esito
    distretti = {d.slug: d.pk for d in Distretto.objects.all()}
    ambiti = {a.slug: a.pk for a in AmbitoTematico.objects.all()}
    pubblici = {p.codice: p.pk for p in Pubblico.objects.all()}
    esistenti = {e.lower() for e in Iscritto.objects.values_list("email", flat=True)}
    visti: set[str] = set()
    nuovi: list[tuple[str, list[int], list[int], list[int]]] = []
    for numero_riga, riga in enumerate(righe, start=2):  # line 1 is the header
        esito.righe += 1
        email = normalizza_email(riga.get("email", ""))
        try:
            validate_email(email)
        except ValidationError:
            esito.errori.append((numero_riga, _("indirizzo e-mail non valido: «%(v)s»") % {"v": email[:100]}))
            continue
        if dominio_usa_e_getta(email):
            esito.errori.append((numero_riga, _("indirizzo temporaneo (usa e getta): %(v)s") % {"v": email}))
            continue
        scelte: list[list[int]] = []
        for colonna, mappa in (("distretti", distretti), ("ambiti", ambiti), ("pubblici", pubblici)):
            valori = [v.strip() for v in _SEPARATORI_VALORI.split(riga.get(colonna, "")) if v.strip()]
            sconosciuti = [v for v in valori if v not in mappa]
            if sconosciuti:
                esito.errori.append(
                    (
                        numero_riga,
                        _("%(colonna)s sconosciuti: %(valori)s")
                        % {"colonna": colonna, "valori": ", ".join(sconosciuti)},
                    )
                )
            scelte.append([mappa[v] for v in valori if v in mappa])
        chiave = email.lower()
        if chiave in esistenti or chiave in visti:
            esito.gia_presenti += 1
            continue
        visti.add(chiave)
        distretti_scelti, ambiti_scelti, pubblici_scelti = scelte
        nuovi.append((email, distretti_scelti, ambiti_scelti, pubblici_scelti))
    if esito.errori:
        return esito
    adesso = timezone.now()
    nota = f"{nota_consenso}\n({_('importato da')} {utente.get_username()}, {adesso:%Y-%m-%d %H:%M})"
    with transaction.atomic():
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
    esito.creati = len(creati)
    return esito


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
