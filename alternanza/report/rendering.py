"""Rendering of a report: data → HTML (Django templates) → tagged PDF (WeasyPrint), plus the XLSX annex.

WeasyPrint fetches stylesheets, fonts and images through `url_fetcher`, which is locked down: it reads
only files under the portal's static and media folders (file:// URLs that resolve inside them) and
data: URIs; any http(s) URL, any other scheme and any file outside those folders is refused. The HTML
is built from aggregates and bounded lists only (see indicatori), so its size does not grow with the
data; full lists go to the annex.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from alternanza.core.anno_scolastico import valida_anno_scolastico
from alternanza.report import grafici, indicatori
from alternanza.report.models import ReportJob, TipoReport
from distretti.models import AmbitoTematico, Distretto

logger = logging.getLogger("alternanza.report")

FONT_TITILLIUM = {
    (400, "normal"): "titillium-web-v10-latin-ext_latin-regular.ttf",
    (600, "normal"): "titillium-web-v10-latin-ext_latin-600.ttf",
    (700, "normal"): "titillium-web-v10-latin-ext_latin-700.ttf",
    (400, "italic"): "titillium-web-v10-latin-ext_latin-italic.ttf",
}


class DatiNonValidi(ValueError):
    """The job's data cannot make a report (unknown type, missing district…): not worth a retry.

    Its message is shown to staff on the job page and mailed to the requester, so it is a sentence.
    """


class RisorsaNonConsentita(ValueError):
    """WeasyPrint asked for a resource outside the portal's own static and media files."""


@cache
def radici_consentite() -> tuple[Path, ...]:
    """Folders whose files the PDF may embed: static (collected, project and app folders) and media."""
    radici = {Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)}
    radici.update(Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS)
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                radici.add(Path(location))
    return tuple(sorted({r.resolve() for r in radici}))


def percorso_consentito(url: str) -> Path:
    """The local file a file:// URL points to, if it lies inside an allowed folder; else raise."""
    parti = urlsplit(url)
    if parti.scheme != "file" or parti.netloc not in ("", "localhost"):
        raise RisorsaNonConsentita(f"URL non consentito nel report: {url[:200]}")
    percorso = Path(unquote(parti.path)).resolve()
    for radice in radici_consentite():
        if percorso.is_relative_to(radice) and percorso.is_file():
            return percorso
    raise RisorsaNonConsentita(f"File fuori dalle cartelle static/media: {percorso}")


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherPortale(URLFetcher):
        """WeasyPrint fetcher: data: URIs and the portal's own static/media files, nothing else."""

        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            percorso = percorso_consentito(url)
            tipo, _ = mimetypes.guess_type(percorso.name)
            return URLFetcherResponse(
                percorso.as_uri(), percorso.open("rb"), {"Content-Type": tipo or "application/octet-stream"}
            )

    return FetcherPortale


def url_fetcher(url: str):
    """Fetch one URL the way the PDF renderer does (raises RisorsaNonConsentita when refused)."""
    return _fetcher_class()().fetch(url)


def url_statico(percorso: str) -> str:
    """file:// URL of a static file (found by the staticfiles finders), for the PDF templates."""
    trovato = finders.find(percorso)
    if not trovato:
        raise FileNotFoundError(percorso)
    return Path(trovato).resolve().as_uri()


def font_face() -> list[dict]:
    """The @font-face entries of Titillium Web (Bootstrap Italia's typeface, SIL OFL), as file URLs."""
    return [
        {"peso": peso, "stile": stile, "url": url_statico(f"fonts/Titillium_Web/{nome}")}
        for (peso, stile), nome in FONT_TITILLIUM.items()
    ]


# --- Data ----------------------------------------------------------------------------------------


def dati(
    tipo: str, anno: str, distretto: Distretto | None = None, ambito: AmbitoTematico | None = None
) -> dict:
    """Everything the report template needs, read in one consistent snapshot of the database."""
    esterna = connection.in_atomic_block
    with transaction.atomic():
        if not esterna:
            # First statement of a new transaction: the report's queries all see the same data, so its
            # tables add up. Inside an enclosing transaction (a request, a test) that one's view is used.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        contesto: dict = {"tipo": tipo, "anno": anno, "distretto": distretto, "ambito": ambito}
        contesto["dati_al"] = timezone.now()
        if tipo == TipoReport.PARTNERSHIP:
            contesto["pa"] = indicatori.partnership_e_accordi(anno, distretto)
        else:
            contesto["ind"] = indicatori.calcola(anno, distretto=distretto, ambito=ambito)
    return contesto


def titolo_report(
    tipo: str, anno: str, distretto: Distretto | None = None, ambito: AmbitoTematico | None = None
) -> str:
    base = f"{TipoReport(tipo).label} {anno}"
    if distretto is not None:
        base += f" – {distretto.nome}"
    if ambito is not None:
        base += f" – {ambito.nome}"
    return base


def html_report(contesto: dict, generato_il: datetime | None = None) -> str:
    """The HTML of a report (Italian), with its charts inline as SVG."""
    with translation.override("it"):
        ctx = dict(contesto)
        ctx["titolo"] = titolo_report(ctx["tipo"], ctx["anno"], ctx.get("distretto"), ctx.get("ambito"))
        ctx["generato_il"] = generato_il or timezone.now()
        ctx["font_face"] = font_face()
        ctx["css_url"] = url_statico("report/css/report-stampa.css")
        ctx["logo_url"] = url_statico("img/logo-rete.svg")
        ctx["PORTALE"] = settings.PORTALE
        if "ind" in ctx:
            ctx["grafici"] = grafici.grafici_report(ctx["ind"])
            ctx["colonne_attivita"] = indicatori.colonne(
                "progetti", "studenti", "quota_ragazze", "quota_straniera", "ore", "quota_sicurezza"
            )
            ctx["colonne_rete"] = indicatori.colonne(
                "organizzazioni_ospitanti",
                "azioni_interdistrettuali",
                "ore_assistenza",
                "accordi_attivi",
                "partecipazione_1000",
                "allineamento_s3",
            )
            ctx["colonne_sintesi"] = indicatori.colonne(
                "progetti",
                "studenti",
                "quota_ragazze",
                "ore",
                "organizzazioni_ospitanti",
                "allineamento_s3",
                "partecipazione_1000",
                "divario_genere_tecnici",
            )
            ctx["colonne_confronto"] = indicatori.colonne(
                "progetti", "studenti", "quota_ragazze", "allineamento_s3", "divario_genere_tecnici"
            )
        return render_to_string("report/pdf/report.html", ctx)


def html_a_pdf(html: str) -> tuple[bytes, int]:
    """Render HTML to a tagged PDF (PDF/UA-1) through the locked-down fetcher; returns (bytes, pages)."""
    from weasyprint import HTML

    foglio = finders.find("report/css/report-stampa.css")
    if not isinstance(foglio, str):
        raise ImproperlyConfigured("report/css/report-stampa.css is not among the static files")
    base = Path(foglio).resolve().parent.as_uri() + "/"
    fetcher = _fetcher_class()()
    documento = HTML(string=html, base_url=base, url_fetcher=fetcher).render(pdf_variant="pdf/ua-1")
    pdf = documento.write_pdf(pdf_variant="pdf/ua-1")
    return pdf, len(documento.pages)


# --- Annex ---------------------------------------------------------------------------------------


def allegato_xlsx(contesto: dict) -> bytes:
    """The full lists behind the report (every project of the selection, gaps, flows) as XLSX.

    Written in openpyxl's streaming mode from database iterators: memory stays flat with 100,000 rows.
    """
    from openpyxl import Workbook

    from alternanza.progetti.models import ProgettoOrganizzazione
    from distretti.models import Comune, Livello, Scuola
    from partnership.models import Accordo, Partnership

    wb = Workbook(write_only=True)
    anno, distretto, ambito = contesto["anno"], contesto.get("distretto"), contesto.get("ambito")
    if "ind" in contesto:
        ind = contesto["ind"]
        ws = wb.create_sheet("Indicatori")
        ws.append(["Distretto", "Anno", *indicatori.CHIAVI])
        for riga in [*ind.righe, ind.totale]:
            ws.append([riga.nome, anno, *[riga.att.get(k) for k in indicatori.CHIAVI]])
            ws.append([riga.nome, ind.anno_precedente, *[riga.prec.get(k) for k in indicatori.CHIAVI]])
        qs = indicatori.progetti_contati(anno, distretto, ambito)
        ws = wb.create_sheet("Progetti")
        intestazione = [
            "ID",
            "Titolo",
            "Scuola",
            "Codice meccanografico",
            "Comune",
            "Distretto",
            "Stato",
            "Studenti",
            "Ragazze",
            "Origine straniera",
            "Ore svolte",
            "Formazione sicurezza",
        ]
        ws.append(intestazione)
        campi = (
            "pk",
            "titolo",
            "scuola__denominazione",
            "scuola__codice_meccanografico",
            "scuola__comune__nome",
            "distretto__nome",
            "stato",
            "studenti_totale",
            "studenti_ragazze",
            "studenti_origine_straniera",
            "ore_svolte",
            "sicurezza_svolta",
        )
        righe = qs.order_by("distretto__nome", "scuola__denominazione", "pk").values_list(*campi)
        for riga in righe.iterator(chunk_size=5000):
            ws.append(["sì" if v is True else "no" if v is False else v for v in riga])
        ws = wb.create_sheet("Inserimenti")
        ws.append(["ID progetto", "Organizzazione", "Comune organizzazione", "Distretto organizzazione"])
        for riga in (
            ProgettoOrganizzazione.objects.filter(
                ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE, progetto__in=qs.values("pk")
            )
            .order_by("progetto_id", "organizzazione__nome")
            .values_list(
                "progetto_id",
                "organizzazione__nome",
                "organizzazione__comune__nome",
                "organizzazione__comune__distretto__nome",
            )
            .iterator(chunk_size=5000)
        ):
            ws.append(list(riga))
        ws = wb.create_sheet("Scuole senza progetti")
        ws.append(["Codice meccanografico", "Denominazione", "Comune", "Distretto"])
        scuole = (
            Scuola.objects.filter(attiva=True, livello=Livello.SECONDO_GRADO)
            .exclude(pk__in=qs.values("scuola_id"))
            .order_by("comune__distretto__nome", "comune__nome", "denominazione")
        )
        if distretto is not None:
            scuole = scuole.filter(comune__distretto=distretto)
        for riga in scuole.values_list(
            "codice_meccanografico", "denominazione", "comune__nome", "comune__distretto__nome"
        ).iterator(chunk_size=5000):
            ws.append(list(riga))
        ws = wb.create_sheet("Comuni senza progetti")
        ws.append(["Comune", "Distretto"])
        comuni = Comune.objects.exclude(pk__in=qs.values("scuola__comune_id"))
        comuni = comuni.order_by("distretto__nome", "nome")
        if distretto is not None:
            comuni = comuni.filter(distretto=distretto)
        for riga in comuni.values_list("nome", "distretto__nome"):
            ws.append(list(riga))
        ws = wb.create_sheet("Flussi")
        colonne = [d.nome for d in ind.flussi["colonne"]]
        ws.append(["Distretto della scuola", *colonne, "Fuori area", "Totale"])
        for r in ind.flussi["righe"]:
            ws.append([r["distretto"].nome, *r["valori"], r["totale"]])
    else:
        ws = wb.create_sheet("Accordi")
        ws.append(["Titolo", "Tipo", "Stato", "Data di firma", "Valido dal", "Valido al"])
        accordi = Accordo.objects.order_by("-data_firma", "titolo")
        if distretto is not None:
            accordi = accordi.filter(distretti=distretto)
        for riga in accordi.values_list("titolo", "tipo", "stato", "data_firma", "valido_dal", "valido_al"):
            ws.append(list(riga))
        ws = wb.create_sheet("Partnership")
        ws.append(["Titolo", "Livello", "Stato", "Inizio", "Fine"])
        partnership = Partnership.objects.order_by("titolo")
        if distretto is not None:
            partnership = partnership.filter(distretti=distretto)
        for riga in partnership.values_list("titolo", "livello", "stato", "data_inizio", "data_fine"):
            ws.append(list(riga))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# The progress callback of a build: (percent, stage).
Avanza = Callable[[int, str], None]


def _senza_avanzamento(percento: int, fase: str) -> None:
    """The progress callback of a build nobody follows (no job page to update)."""


# --- The whole build -----------------------------------------------------------------------------


@dataclass
class Risultato:
    pdf: bytes
    pagine: int
    allegato: bytes | None
    dati_al: datetime
    allegato_estensione: str = "xlsx"


def genera_documento(
    tipo: str,
    anno: str,
    distretto: Distretto | None = None,
    ambito: AmbitoTematico | None = None,
    avanza: Avanza | None = None,
    con_allegato: bool = True,
) -> Risultato:
    """Build a report synchronously (used by the task and by `manage.py genera_report`)."""
    avanza = avanza or _senza_avanzamento
    # Stages are stored in Italian (gettext_noop) and translated where they are shown (job page, JSON).
    avanza(5, gettext_noop("lettura dei dati"))
    contesto = dati(tipo, anno, distretto, ambito)
    avanza(35, gettext_noop("grafici e impaginazione"))
    html = html_report(contesto)
    avanza(45, gettext_noop("composizione del PDF"))
    pdf, pagine = html_a_pdf(html)
    allegato = None
    if con_allegato:
        avanza(85, gettext_noop("allegato con gli elenchi completi"))
        allegato = allegato_xlsx(contesto)
    avanza(95, gettext_noop("salvataggio"))
    return Risultato(pdf=pdf, pagine=pagine, allegato=allegato, dati_al=contesto["dati_al"])


def verifica(job: ReportJob) -> None:
    """Refuse, in words, a job whose data cannot make a report (raised before any work is done)."""
    if job.tipo not in TipoReport.values:
        raise DatiNonValidi(f"Il tipo di report «{job.tipo}» non esiste: richiedi di nuovo il report.")
    try:
        valida_anno_scolastico(job.anno_scolastico)
    except ValidationError as exc:
        raise DatiNonValidi(
            f"L'anno scolastico «{job.anno_scolastico}» non è valido (forma attesa: 2025/26)."
        ) from exc
    if job.tipo == TipoReport.DISTRETTO and job.distretto is None:
        raise DatiNonValidi("Il report di distretto non indica il distretto.")
    if job.tipo == TipoReport.TEMATICO and job.ambito is None:
        raise DatiNonValidi("Il report tematico non indica l'ambito tematico.")


def genera(job: ReportJob, avanza: Avanza | None = None) -> Risultato:
    """Build the report of a job (DatiNonValidi, in words, when its data cannot make one)."""
    verifica(job)
    return genera_documento(job.tipo, job.anno_scolastico, job.distretto, job.ambito, avanza=avanza)
