"""Open data: published projects, public partnerships and per-district indicators as CSV and JSON,
described by a Frictionless data package (table schemas) and by DCAT-AP_IT metadata.

One definition per dataset (`Campo` list) drives the CSV header, the JSON keys and the table schema, so
they cannot drift apart. Rows are produced in chunks (constant memory, a handful of queries per chunk).

Minors: per-project rows carry only the total of students, girls and those trained on safety. Counts of
students with disability support or of foreign origin are special-category data that a small class could
make identifiable, so they are published only summed per district and school year (indicators).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from alternanza.core.archivi import percorso_locale
from alternanza.core.compiti import spedisci
from alternanza.core.esportazioni import neutralizza_formula
from alternanza.progetti.models import Progetto, ProgettoOrganizzazione, condizione_pubblici
from alternanza.progetti.tasks import genera_dati_aperti
from distretti.models import Distretto
from partnership.models import Partnership

LICENZA = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
CODICE_IPA = settings.OPENDATA_CODICE_IPA
BLOCCO = 2000


@dataclass(frozen=True)
class Campo:
    nome: str
    tipo: str  # Frictionless type: string, integer, number, boolean, date, datetime
    descrizione: str
    titolo: str = ""
    formato: str = ""


def url_assoluto(nome: str, **kwargs) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(nome, kwargs=kwargs or None)


# --- Datasets ------------------------------------------------------------------------------------
# Field and dataset descriptions are marked with gettext_noop: the files, the data package and DCAT stay in
# Italian (the national catalogue's language); the open-data page translates them when it renders.

CAMPI_PROGETTI = [
    Campo("id", "integer", gettext_noop("Identificativo del progetto nel portale.")),
    Campo("titolo", "string", gettext_noop("Titolo del progetto.")),
    Campo("anno_scolastico", "string", gettext_noop("Anno scolastico, nella forma 2025/26.")),
    Campo(
        "scuola_codice",
        "string",
        gettext_noop("Codice meccanografico della scuola (anagrafe del Ministero)."),
    ),
    Campo("scuola", "string", gettext_noop("Denominazione della scuola.")),
    Campo("indirizzo_studio", "string", gettext_noop("Indirizzo di studio o sede dell'istituto coinvolta.")),
    Campo("comune_scuola", "string", gettext_noop("Comune della scuola.")),
    Campo("comune_scuola_istat", "string", gettext_noop("Codice ISTAT del comune della scuola.")),
    Campo("distretto", "string", gettext_noop("Distretto della Città metropolitana di Bologna.")),
    Campo(
        "comuni_svolgimento",
        "string",
        gettext_noop("Comuni in cui si svolge il progetto, separati da punto e virgola."),
    ),
    Campo(
        "ambiti_tematici", "string", gettext_noop("Ambiti tematici della rete, separati da punto e virgola.")
    ),
    Campo(
        "aree_s3",
        "string",
        gettext_noop("Aree della Strategia di specializzazione intelligente S3 / Clust-ER."),
    ),
    Campo(
        "organizzazioni_ospitanti",
        "string",
        gettext_noop("Strutture ospitanti, separate da punto e virgola."),
    ),
    Campo(
        "altre_organizzazioni",
        "string",
        gettext_noop("Altre organizzazioni (co-progettazione, formazione, altro)."),
    ),
    Campo("ore_previste", "integer", gettext_noop("Ore di alternanza previste.")),
    Campo("ore_svolte", "integer", gettext_noop("Ore di alternanza svolte.")),
    Campo("data_inizio", "date", gettext_noop("Data di inizio."), formato="%Y-%m-%d"),
    Campo("data_fine", "date", gettext_noop("Data di fine."), formato="%Y-%m-%d"),
    Campo("studenti_totale", "integer", gettext_noop("Numero di studenti coinvolti (dato aggregato).")),
    Campo("studenti_ragazze", "integer", gettext_noop("Di cui ragazze.")),
    Campo(
        "studenti_con_formazione_sicurezza",
        "integer",
        gettext_noop("Di cui con formazione sulla sicurezza sul lavoro."),
    ),
    Campo("sicurezza_ore", "integer", gettext_noop("Ore di formazione sulla sicurezza.")),
    Campo("sicurezza_svolta", "boolean", gettext_noop("La formazione sulla sicurezza è stata svolta.")),
    Campo("descrizione", "string", gettext_noop("Descrizione del progetto.")),
    Campo("pubblicato_il", "datetime", gettext_noop("Data e ora di pubblicazione nel portale.")),
    Campo("url", "string", gettext_noop("Pagina del progetto nel portale."), formato="uri"),
]

CAMPI_PARTNERSHIP = [
    Campo("id", "integer", gettext_noop("Identificativo della partnership nel portale.")),
    Campo("titolo", "string", gettext_noop("Titolo della partnership.")),
    Campo("descrizione", "string", gettext_noop("Descrizione.")),
    Campo("livello", "string", gettext_noop("Livello: distrettuale, interdistrettuale o metropolitano.")),
    Campo("stato", "string", gettext_noop("Stato: proposta, attiva o conclusa.")),
    Campo("distretti", "string", gettext_noop("Distretti coinvolti, separati da punto e virgola.")),
    Campo(
        "scuole", "string", gettext_noop("Codici meccanografici delle scuole, separati da punto e virgola.")
    ),
    Campo(
        "organizzazioni",
        "string",
        gettext_noop("Organizzazioni pubbliche nell'elenco dei partner, separate da punto e virgola."),
    ),
    Campo("ambiti_tematici", "string", gettext_noop("Ambiti tematici, separati da punto e virgola.")),
    Campo("data_inizio", "date", gettext_noop("Data di inizio."), formato="%Y-%m-%d"),
    Campo("data_fine", "date", gettext_noop("Data di fine."), formato="%Y-%m-%d"),
    Campo(
        "progetti_pubblicati",
        "integer",
        gettext_noop("Numero di progetti pubblicati della partnership (anche in corso o conclusi)."),
    ),
    Campo("url", "string", gettext_noop("Pagina della partnership nel portale."), formato="uri"),
]

CAMPI_INDICATORI = [
    Campo("anno_scolastico", "string", gettext_noop("Anno scolastico.")),
    Campo("distretto", "string", gettext_noop("Distretto.")),
    Campo(
        "progetti_validati",
        "integer",
        gettext_noop(
            "Progetti validati dall'ufficio distrettuale (anche pubblicati, in corso, conclusi o archiviati)."
        ),
    ),
    Campo(
        "progetti_pubblicati",
        "integer",
        gettext_noop(
            "Progetti pubblicati nella vetrina, anche in corso o conclusi (con consenso della scuola)."
        ),
    ),
    Campo("scuole", "integer", gettext_noop("Scuole con almeno un progetto validato.")),
    Campo(
        "organizzazioni_ospitanti", "integer", gettext_noop("Organizzazioni distinte che ospitano studenti.")
    ),
    Campo("studenti_totale", "integer", gettext_noop("Studenti coinvolti.")),
    Campo("studenti_ragazze", "integer", gettext_noop("Di cui ragazze.")),
    Campo(
        "studenti_origine_straniera", "integer", gettext_noop("Di cui con cittadinanza o origine straniera.")
    ),
    Campo("studenti_con_sostegno", "integer", gettext_noop("Di cui con sostegno per disabilità.")),
    Campo(
        "studenti_con_formazione_sicurezza", "integer", gettext_noop("Di cui con formazione sulla sicurezza.")
    ),
    Campo("ore_svolte", "integer", gettext_noop("Ore di alternanza svolte.")),
    Campo("quota_ragazze", "number", gettext_noop("Ragazze sul totale degli studenti (0–1).")),
]


def _unisci(valori: Iterable[str]) -> str:
    return "; ".join(sorted(set(valori)))


def righe_progetti(queryset=None) -> Iterator[dict]:
    """Published projects with showcase consent (or `queryset`, already filtered to those), in chunks."""
    base = (queryset if queryset is not None else Progetto.objects.pubblicati()).order_by("id")
    ultimo = 0
    while True:
        blocco = list(
            base.filter(id__gt=ultimo).values(
                "id",
                "titolo",
                "anno_scolastico",
                "scuola__codice_meccanografico",
                "scuola__denominazione",
                "indirizzo",
                "scuola__comune__nome",
                "scuola__comune__codice_istat",
                "distretto__nome",
                "ore_previste",
                "ore_svolte",
                "data_inizio",
                "data_fine",
                "studenti_totale",
                "studenti_ragazze",
                "studenti_con_formazione_sicurezza",
                "sicurezza_ore",
                "sicurezza_svolta",
                "descrizione",
                "pubblicato_il",
            )[:BLOCCO]
        )
        if not blocco:
            return
        ids = [r["id"] for r in blocco]
        ultimo = ids[-1]
        ambiti, aree, comuni = defaultdict(list), defaultdict(list), defaultdict(list)
        ospitanti: defaultdict[int, list[str]] = defaultdict(list)
        altre: defaultdict[int, list[str]] = defaultdict(list)
        for pid, nome in Progetto.ambiti.through.objects.filter(progetto_id__in=ids).values_list(
            "progetto_id", "ambitotematico__nome"
        ):
            ambiti[pid].append(nome)
        for pid, nome in Progetto.aree_s3.through.objects.filter(progetto_id__in=ids).values_list(
            "progetto_id", "areas3__nome"
        ):
            aree[pid].append(nome)
        for pid, nome in Progetto.comuni.through.objects.filter(progetto_id__in=ids).values_list(
            "progetto_id", "comune__nome"
        ):
            comuni[pid].append(nome)
        for pid, ruolo, nome in ProgettoOrganizzazione.objects.filter(progetto_id__in=ids).values_list(
            "progetto_id", "ruolo", "organizzazione__nome"
        ):
            (ospitanti if ruolo == ProgettoOrganizzazione.Ruolo.OSPITANTE else altre)[pid].append(nome)
        with translation.override(settings.LANGUAGE_CODE):
            radice = settings.SITE_URL + reverse("progetti:vetrina")
        for r in blocco:
            pid = r["id"]
            yield {
                "id": pid,
                "titolo": r["titolo"],
                "anno_scolastico": r["anno_scolastico"],
                "scuola_codice": r["scuola__codice_meccanografico"],
                "scuola": r["scuola__denominazione"],
                "indirizzo_studio": r["indirizzo"],
                "comune_scuola": r["scuola__comune__nome"],
                "comune_scuola_istat": r["scuola__comune__codice_istat"],
                "distretto": r["distretto__nome"],
                "comuni_svolgimento": _unisci(comuni[pid]),
                "ambiti_tematici": _unisci(ambiti[pid]),
                "aree_s3": _unisci(aree[pid]),
                "organizzazioni_ospitanti": _unisci(ospitanti[pid]),
                "altre_organizzazioni": _unisci(altre[pid]),
                "ore_previste": r["ore_previste"],
                "ore_svolte": r["ore_svolte"],
                "data_inizio": r["data_inizio"],
                "data_fine": r["data_fine"],
                "studenti_totale": r["studenti_totale"],
                "studenti_ragazze": r["studenti_ragazze"],
                "studenti_con_formazione_sicurezza": r["studenti_con_formazione_sicurezza"],
                "sicurezza_ore": r["sicurezza_ore"],
                "sicurezza_svolta": r["sicurezza_svolta"],
                "descrizione": r["descrizione"],
                "pubblicato_il": r["pubblicato_il"],
                "url": f"{radice}{pid}/",
            }


def righe_partnership() -> Iterator[dict]:
    qs = (
        Partnership.objects.filter(pubblicata=True)
        .annotate(
            n_progetti=Count(
                "progetti",
                filter=condizione_pubblici("progetti__"),
            )
        )
        .prefetch_related("distretti", "scuole", "ambiti", "organizzazioni")
        .order_by("id")
    )
    for p in qs.iterator(chunk_size=BLOCCO):
        yield {
            "id": p.pk,
            "titolo": p.titolo,
            "descrizione": p.descrizione,
            "livello": p.livello,
            "stato": p.stato,
            "distretti": _unisci(d.nome for d in p.distretti.all()),
            "scuole": _unisci(s.codice_meccanografico for s in p.scuole.all()),
            "organizzazioni": _unisci(o.nome for o in p.organizzazioni.all() if o.pubblica),
            "ambiti_tematici": _unisci(a.nome for a in p.ambiti.all()),
            "data_inizio": p.data_inizio,
            "data_fine": p.data_fine,
            "progetti_pubblicati": p.n_progetti,
            "url": settings.SITE_URL + _con_lingua(p.get_absolute_url),
        }


def _con_lingua(funzione: Callable[[], str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return funzione()


def righe_indicatori() -> list[dict]:
    """Per district and school year, from validated (also published or archived) projects."""
    righe = Progetto.objects.convalidati().statistiche_per_distretto(
        "anno_scolastico",
        progetti_pubblicati=Count("id", filter=condizione_pubblici()),
        scuole=Count("scuola_id", distinct=True),
    )
    ospitanti = {
        (r["progetto__anno_scolastico"], r["progetto__distretto_id"]): r["n"]
        for r in ProgettoOrganizzazione.objects.filter(
            ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE, progetto__in=Progetto.objects.convalidati()
        )
        .values("progetto__anno_scolastico", "progetto__distretto_id")
        .annotate(n=Count("organizzazione_id", distinct=True))
        .order_by()
    }
    nomi = dict(Distretto.objects.values_list("id", "nome"))
    risultato = []
    for r in righe:
        chiave = (r["anno_scolastico"], r["distretto_id"])
        totale = r["studenti_totale"]
        risultato.append(
            {
                "anno_scolastico": r["anno_scolastico"],
                "distretto": nomi.get(r["distretto_id"], ""),
                "progetti_validati": r["progetti"],
                "progetti_pubblicati": r["progetti_pubblicati"],
                "scuole": r["scuole"],
                "organizzazioni_ospitanti": ospitanti.get(chiave, 0),
                "studenti_totale": totale,
                "studenti_ragazze": r["studenti_ragazze"],
                "studenti_origine_straniera": r["studenti_origine_straniera"],
                "studenti_con_sostegno": r["studenti_con_sostegno"],
                "studenti_con_formazione_sicurezza": r["studenti_con_formazione_sicurezza"],
                "ore_svolte": r["ore_svolte"],
                "quota_ragazze": round(r["studenti_ragazze"] / totale, 4) if totale else None,
            }
        )
    return risultato


@dataclass(frozen=True)
class Dataset:
    nome: str
    titolo: str
    descrizione: str
    campi: list[Campo]
    righe: Callable[[], Iterable[dict]]
    parole_chiave: tuple[str, ...]
    chiave_primaria: tuple[str, ...]

    def url(self, formato: str) -> str:
        return url_assoluto(f"progetti:dati_{self.nome}_{formato}")

    def ultima_modifica(self) -> datetime.datetime | None:
        if self.nome == "partnership":
            return Partnership.objects.filter(pubblicata=True).aggregate(m=Max("aggiornata_il"))["m"]
        return Progetto.objects.convalidati().aggregate(m=Max("aggiornato_il"))["m"]


DATASET = {
    "progetti": Dataset(
        "progetti",
        gettext_noop(
            "Progetti di alternanza scuola-lavoro (PCTO) pubblicati – Città metropolitana di Bologna"
        ),
        gettext_noop(
            "I progetti di alternanza scuola-lavoro delle scuole della Città metropolitana di Bologna "
            "validati dagli uffici tecnici distrettuali e pubblicati con il consenso della scuola: "
            "scuola, distretto, luoghi, partner, ambiti tematici, aree S3, ore e numeri aggregati "
            "di studenti (nessun dato personale)."
        ),
        CAMPI_PROGETTI,
        righe_progetti,
        ("alternanza scuola-lavoro", "PCTO", "scuola", "imprese", "Bologna"),
        ("id",),
    ),
    "partnership": Dataset(
        "partnership",
        gettext_noop(
            "Partnership della rete metropolitana per l'alternanza – Città metropolitana di Bologna"
        ),
        gettext_noop(
            "Le partnership pubbliche tra scuole, imprese e partner della rete metropolitana "
            "per l'alternanza: livello, distretti, scuole, organizzazioni, ambiti tematici e periodo."
        ),
        CAMPI_PARTNERSHIP,
        righe_partnership,
        ("partnership", "alternanza scuola-lavoro", "rete", "Bologna"),
        ("id",),
    ),
    "indicatori": Dataset(
        "indicatori",
        gettext_noop(
            "Indicatori dell'alternanza scuola-lavoro per distretto e anno scolastico – "
            "Città metropolitana di Bologna"
        ),
        gettext_noop(
            "Numeri aggregati per distretto e anno scolastico dei progetti validati: progetti, scuole, "
            "organizzazioni ospitanti, studenti (ragazze, origine straniera, con sostegno, formati sulla "
            "sicurezza) e ore svolte."
        ),
        CAMPI_INDICATORI,
        righe_indicatori,
        ("indicatori", "alternanza scuola-lavoro", "distretti", "parità di genere", "Bologna"),
        ("anno_scolastico", "distretto"),
    ),
}


# --- Serialisation --------------------------------------------------------------------------------


def _valore(valore):
    if valore is None:
        return ""
    if isinstance(valore, bool):
        return "true" if valore else "false"
    if isinstance(valore, datetime.date | datetime.datetime):
        return valore.isoformat()
    return neutralizza_formula(valore)


def csv_a_blocchi(dataset: Dataset) -> Iterator[str]:
    """CSV (UTF-8, comma, header row) produced row by row for a streaming response."""
    buffer = io.StringIO()
    scrittore = csv.writer(buffer, lineterminator="\r\n")
    scrittore.writerow([c.nome for c in dataset.campi])
    for i, riga in enumerate(dataset.righe(), start=1):
        scrittore.writerow([_valore(riga[c.nome]) for c in dataset.campi])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_valore(valore):
    # The JSON is converted to spreadsheets too (Power Query, online converters): same rule as the CSV.
    if isinstance(valore, datetime.date | datetime.datetime):
        return valore.isoformat()
    return neutralizza_formula(valore)


def json_a_blocchi(dataset: Dataset) -> Iterator[str]:
    """A JSON array of objects (keys = schema field names), produced row by row."""
    yield "["
    primo = True
    for riga in dataset.righe():
        testo = json.dumps({c.nome: _json_valore(riga[c.nome]) for c in dataset.campi}, ensure_ascii=False)
        yield testo if primo else "," + testo
        primo = False
    yield "]"


def schema_tabella(dataset: Dataset) -> dict:
    campi = []
    for c in dataset.campi:
        campo = {"name": c.nome, "type": c.tipo, "description": c.descrizione}
        if c.formato:
            campo["format"] = "uri" if c.formato == "uri" else "default"
        campi.append(campo)
    return {"fields": campi, "primaryKey": list(dataset.chiave_primaria), "missingValues": [""]}


def datapackage() -> dict:
    """The Frictionless (tabular) data package describing every dataset and both formats."""
    risorse = []
    for dataset in DATASET.values():
        for formato, tipo in (("csv", "text/csv"), ("json", "application/json")):
            risorsa = {
                "name": f"{dataset.nome}-{formato}",
                "title": dataset.titolo,
                "description": dataset.descrizione,
                "path": dataset.url(formato),
                "format": formato,
                "mediatype": tipo,
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "licenses": [LICENZA],
                "schema": schema_tabella(dataset),
            }
            if formato == "csv":
                risorsa["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\r\n"}
            risorse.append(risorsa)
    return {
        "profile": "tabular-data-package",
        "name": "rete-metropolitana-alternanza-bologna",
        "title": "Rete metropolitana per l'alternanza scuola-lavoro – dati aperti",
        "description": "Progetti pubblicati, partnership pubbliche e indicatori per distretto della rete "
        "metropolitana per l'alternanza scuola-lavoro della Città metropolitana di Bologna.",
        "homepage": url_assoluto("progetti:dati"),
        "licenses": [LICENZA],
        "publisher": "Città metropolitana di Bologna",
        "keywords": ["alternanza scuola-lavoro", "PCTO", "scuola", "Bologna"],
        # RFC 3339 date-time, as the Data Package spec requires (a bare date fails `frictionless validate`).
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": risorse,
    }


# --- Stored exports -------------------------------------------------------------------------------
# The projects' files are tens of MB at full scale: a Celery task ("pesanti" queue) writes them to the
# default storage and the stable URLs serve the last export; a missing file is streamed live once.

_CHIAVE_IN_CODA = "progetti:dati-aperti:in-coda"
ATTESA_AGGIORNAMENTO = 5 * 60  # at most one export queued per 5 minutes, however many publications


def percorso_file(nome: str, formato: str) -> str:
    return f"dati-aperti/{nome}.{formato}"


def scrivi_file(dataset: Dataset, formato: str) -> str:
    """Write one export to the default storage (atomically on the file system); return its path."""
    import os
    import tempfile

    from django.core.files.base import File
    from django.core.files.storage import default_storage

    generatore = csv_a_blocchi if formato == "csv" else json_a_blocchi
    percorso = percorso_file(dataset.nome, formato)
    finale = percorso_locale(default_storage, percorso)  # None on object storage: streamed upload below
    if finale:
        os.makedirs(os.path.dirname(finale), exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=os.path.dirname(finale), delete=False
        ) as tmp:
            for pezzo in generatore(dataset):
                tmp.write(pezzo)
        os.replace(tmp.name, finale)
        return percorso
    with tempfile.TemporaryFile("w+b") as binario:
        for pezzo in generatore(dataset):
            binario.write(pezzo.encode())
        binario.seek(0)
        default_storage.delete(percorso)
        default_storage.save(percorso, File(binario))
    return percorso


def genera_tutti() -> list[str]:
    """Write every export (CSV and JSON of each dataset); a change from now on queues the next one."""
    cache.delete(_CHIAVE_IN_CODA)
    return [scrivi_file(dataset, formato) for dataset in DATASET.values() for formato in ("csv", "json")]


def richiedi_aggiornamento() -> bool:
    """Queue a new export after the current transaction commits, unless one is already queued."""
    if not cache.add(_CHIAVE_IN_CODA, 1, ATTESA_AGGIORNAMENTO):
        return False
    # Not kept in the outbox when the broker is down: the nightly export catches up anyway.
    transaction.on_commit(lambda: spedisci(genera_dati_aperti, countdown=ATTESA_AGGIORNAMENTO // 5))
    return True
