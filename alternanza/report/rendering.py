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
from alternanza.core.esportazioni import neutralizza_formula
from alternanza.report import grafici, indicatori, sintesi
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
            if distretto is not None:
                # A district report compares the district with the network (same snapshot).
                rete = indicatori.calcola(anno, ambito=ambito)
                contesto["rete"] = rete
                contesto["confronto_rete"] = confronto_con_la_rete(contesto["ind"], rete)
    return contesto


CONFRONTO_RETE = (
    "progetti",
    "studenti",
    "ore",
    "organizzazioni_ospitanti",
    "quota_ragazze",
    "allineamento_s3",
)


def confronto_con_la_rete(ind, rete) -> list[dict]:
    """The district's headline figures next to the network's district average (shares: the network's)."""
    distretti = max(1, len([r for r in rete.righe if r.distretto is not None]))
    righe = []
    for colonna in indicatori.colonne(*CONFRONTO_RETE):
        chiave = colonna["chiave"]
        media = indicatori.riferimento_di_rete(chiave, rete.totale.att.get(chiave), distretti)
        righe.append({**colonna, "distretto": ind.totale.att.get(chiave), "rete": media})
    return righe


def titolo_report(
    tipo: str, anno: str, distretto: Distretto | None = None, ambito: AmbitoTematico | None = None
) -> str:
    base = f"{TipoReport(tipo).label} {anno}"
    if distretto is not None:
        base += f" – {distretto.nome}"
    if ambito is not None:
        base += f" – {ambito.nome}"
    return base


def html_report(
    contesto: dict, generato_il: datetime | None = None, *, versione: int = 1, destinatari: str = ""
) -> str:
    """The HTML of a report (Italian), with its charts inline as SVG.

    The cover names the bodies the report is for (`destinatari`) and its version.
    """
    with translation.override("it"):
        ctx = dict(contesto)
        ctx["versione"] = versione
        ctx["destinatari"] = destinatari
        ctx["titolo"] = titolo_report(ctx["tipo"], ctx["anno"], ctx.get("distretto"), ctx.get("ambito"))
        ctx["generato_il"] = generato_il or timezone.now()
        ctx["font_face"] = font_face()
        ctx["css_url"] = url_statico("report/css/report-stampa.css")
        ctx["logo_url"] = url_statico(settings.REPORT_LOGO)
        ctx["PORTALE"] = settings.PORTALE
        if "ind" in ctx:
            ctx["grafici"] = grafici.grafici_report(ctx["ind"], ctx.get("rete"))
            ctx["tendenza"] = indicatori.tabelle_tendenza(ctx["ind"], ctx.get("rete"))
            ctx["sintesi"] = sintesi.sintesi(ctx["ind"])
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


class _Foglio:
    """One sheet of the annex: human header (styled, frozen, with autofilter), widths, safe cells.

    Streaming (write-only) mode: the header and the column widths are set before the rows, the filter
    range after them. Every text goes through neutralizza_formula: a title "=HYPERLINK(…)" stays text.
    """

    def __init__(self, wb, nome: str, colonne: list[tuple[str, int]]):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.ws = wb.create_sheet(nome)
        self._lettera = get_column_letter
        for indice, (_etichetta, larghezza) in enumerate(colonne, start=1):
            self.ws.column_dimensions[get_column_letter(indice)].width = larghezza
        self.ws.freeze_panes = "A2"
        intestazione = []
        for etichetta, _larghezza in colonne:
            cella = WriteOnlyCell(self.ws, value=etichetta)
            cella.font = Font(bold=True, color="FFFFFF")
            cella.fill = PatternFill("solid", fgColor="00264D")
            cella.alignment = Alignment(wrap_text=True, vertical="top")
            intestazione.append(cella)
        self.ws.append(intestazione)
        self.colonne = len(colonne)
        self.righe = 1

    def riga(self, valori) -> None:
        self.ws.append(
            [neutralizza_formula("sì" if v is True else "no" if v is False else v) for v in valori]
        )
        self.righe += 1

    def chiudi(self) -> None:
        self.ws.auto_filter.ref = f"A1:{self._lettera(self.colonne)}{self.righe}"


def allegato_xlsx(contesto: dict) -> bytes:
    """The full lists behind the report (every project of the selection, gaps, flows) as XLSX.

    Written in openpyxl's streaming mode from database iterators: memory stays flat with 100,000 rows.
    Each sheet has labelled columns (not field names), a styled frozen header and an autofilter.
    """
    from openpyxl import Workbook

    from alternanza.progetti.models import ProgettoOrganizzazione
    from distretti.models import Comune, Livello, Scuola
    from partnership.models import Accordo, Partnership

    wb = Workbook(write_only=True)
    anno, distretto, ambito = contesto["anno"], contesto.get("distretto"), contesto.get("ambito")
    if "ind" in contesto:
        ind = contesto["ind"]
        foglio = _Foglio(
            wb,
            "Indicatori",
            [("Distretto", 28), ("Anno scolastico", 12)]
            + [(str(indicatori.ETICHETTE[k]), 16) for k in indicatori.CHIAVI],
        )
        for riga in [*ind.righe, ind.totale]:
            foglio.riga([riga.nome, anno, *[riga.att.get(k) for k in indicatori.CHIAVI]])
            foglio.riga([riga.nome, ind.anno_precedente, *[riga.prec.get(k) for k in indicatori.CHIAVI]])
        foglio.chiudi()
        # The trend of the headline indicators: a row per district (and the metropolitan row) and year;
        # "n.d." where the portal has no data for the year (not 0).
        tabelle = indicatori.tabelle_tendenza(ind, contesto.get("rete"))
        foglio = _Foglio(
            wb,
            "Andamento",
            [("Distretto", 28), ("Anno scolastico", 12)] + [(str(t["etichetta"]), 16) for t in tabelle],
        )
        riferimento = (
            "Città metropolitana"
            if contesto.get("rete") is None
            else "Media dei distretti (per le quote: Città metropolitana)"
        )
        nomi_righe = [*[r["nome"] for r in tabelle[0]["righe"]], riferimento]
        for n, nome in enumerate(nomi_righe):
            for i, a in enumerate(tabelle[0]["anni"]):
                valori = [[*t["righe"], t["riferimento"]][n]["valori"][i] for t in tabelle]
                foglio.riga([nome, a["anno"], *(valori if a["con_dati"] else ["n.d."] * len(valori))])
        foglio.chiudi()
        qs = indicatori.progetti_contati(anno, distretto, ambito)
        foglio = _Foglio(
            wb,
            "Progetti",
            [
                ("ID", 8),
                ("Titolo", 48),
                ("Scuola", 40),
                ("Codice meccanografico", 16),
                ("Comune", 22),
                ("Distretto", 26),
                ("Stato", 12),
                ("Studenti", 10),
                ("Ragazze", 10),
                ("Origine straniera", 12),
                ("Ore svolte", 10),
                ("Formazione sicurezza", 12),
            ],
        )
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
            foglio.riga(riga)
        foglio.chiudi()
        foglio = _Foglio(
            wb,
            "Inserimenti",
            [
                ("ID progetto", 12),
                ("Organizzazione", 44),
                ("Comune organizzazione", 24),
                ("Distretto organizzazione", 26),
            ],
        )
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
            foglio.riga(riga)
        foglio.chiudi()
        foglio = _Foglio(
            wb,
            "Scuole senza progetti",
            [("Codice meccanografico", 16), ("Denominazione", 44), ("Comune", 22), ("Distretto", 26)],
        )
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
            foglio.riga(riga)
        foglio.chiudi()
        foglio = _Foglio(wb, "Comuni senza progetti", [("Comune", 28), ("Distretto", 26)])
        comuni = Comune.objects.exclude(pk__in=qs.values("scuola__comune_id"))
        comuni = comuni.order_by("distretto__nome", "nome")
        if distretto is not None:
            comuni = comuni.filter(distretto=distretto)
        for riga in comuni.values_list("nome", "distretto__nome"):
            foglio.riga(riga)
        foglio.chiudi()
        colonne = [d.nome for d in ind.flussi["colonne"]]
        foglio = _Foglio(
            wb,
            "Flussi",
            [("Distretto della scuola", 28), *[(c, 14) for c in colonne], ("Fuori area", 12), ("Totale", 10)],
        )
        for r in ind.flussi["righe"]:
            foglio.riga([r["distretto"].nome, *r["valori"], r["totale"]])
        foglio.chiudi()
    else:
        foglio = _Foglio(
            wb,
            "Accordi",
            [
                ("Titolo", 48),
                ("Tipo", 18),
                ("Stato", 14),
                ("Data di firma", 14),
                ("Valido dal", 14),
                ("Valido al", 14),
            ],
        )
        accordi = Accordo.objects.order_by("-data_firma", "titolo")
        if distretto is not None:
            accordi = accordi.filter(distretti=distretto)
        for riga in accordi.values_list("titolo", "tipo", "stato", "data_firma", "valido_dal", "valido_al"):
            foglio.riga(riga)
        foglio.chiudi()
        foglio = _Foglio(
            wb, "Partnership", [("Titolo", 48), ("Livello", 18), ("Stato", 14), ("Inizio", 14), ("Fine", 14)]
        )
        partnership = Partnership.objects.order_by("titolo")
        if distretto is not None:
            partnership = partnership.filter(distretti=distretto)
        for riga in partnership.values_list("titolo", "livello", "stato", "data_inizio", "data_fine"):
            foglio.riga(riga)
        foglio.chiudi()
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
    versione: int = 1,
    destinatari: str = "",
) -> Risultato:
    """Build a report synchronously (used by the task and by `manage.py genera_report`)."""
    avanza = avanza or _senza_avanzamento
    # Stages are stored in Italian (gettext_noop) and translated where they are shown (job page, JSON).
    avanza(5, gettext_noop("lettura dei dati"))
    contesto = dati(tipo, anno, distretto, ambito)
    avanza(35, gettext_noop("grafici e impaginazione"))
    html = html_report(contesto, versione=versione, destinatari=destinatari)
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
    organi = ", ".join(o.nome for o in job.invia_a.order_by("nome")) if job.pk else ""
    return genera_documento(
        job.tipo,
        job.anno_scolastico,
        job.distretto,
        job.ambito,
        avanza=avanza,
        versione=job.versione,
        destinatari=organi,
    )
