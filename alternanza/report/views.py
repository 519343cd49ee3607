"""Views of the reports: request, job page with progress, download, send to bodies, staff dashboard.

Who may do what comes from distretti.permissions.ambito_di through ReportJob.objects.visibili_a: staff
see and request everything; a district office sees and requests only its districts' reports (another
district's job → 404); other roles are refused (403). Governance bodies download through a signed link.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alternanza.core.archivi import risposta_file
from alternanza.core.esportazioni import neutralizza_formula
from alternanza.core.tipi import campo_di
from alternanza.core.utenti import richiede
from alternanza.report import grafici, indicatori, servizi, sintesi
from alternanza.report.forms import (
    CruscottoForm,
    InvioOrganiForm,
    OrganoForm,
    PianificazioneForm,
    RichiestaReportForm,
    anni_disponibili,
)
from alternanza.report.models import InvioReport, OrganoGovernance, PianificazioneReport, ReportJob, StatoJob
from alternanza.report.pianificazioni import aggiorna_prossima
from distretti.models import AmbitoTematico, Distretto, Livello
from distretti.permissions import ambito_di, di_staff

TIPI_CONTENUTO = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def _richiede_ruolo(request):
    ambito = ambito_di(request.user)
    if not (ambito.staff or ambito.ufficio_distretto):
        raise PermissionDenied(_("I report sono riservati allo staff e agli uffici distrettuali."))
    return ambito


def _get_job_visibile(request, pk: int) -> ReportJob:
    """The job if the user may see it, else 404 (another district's report does not exist for them)."""
    return get_object_or_404(
        ReportJob.objects.visibili_a(request.user).select_related("distretto", "ambito"), pk=pk
    )


@login_required
@require_GET
def elenco(request):
    ambito = _richiede_ruolo(request)
    jobs = ReportJob.objects.visibili_a(request.user).select_related("distretto", "ambito")
    # The workspace's counters link here filtered: ?stato=completato|errore, ?origine=pianificato.
    stato = request.GET.get("stato", "")
    if stato in StatoJob.values:
        jobs = jobs.filter(stato=stato)
    origine = request.GET.get("origine", "")
    if origine in ReportJob.Origine.values:
        jobs = jobs.filter(origine=origine)
    jobs = jobs.order_by("-creato_il", "-pk")
    pagina = Paginator(jobs, 25).get_page(request.GET.get("pagina"))
    return render(
        request, "report/elenco.html", {"pagina": pagina, "senza_valutazione": True, "e_staff": ambito.staff}
    )


@login_required
def nuovo(request):
    _richiede_ruolo(request)
    form = RichiestaReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        dati = form.cleaned_data
        with transaction.atomic():
            job = servizi.richiedi(
                dati["tipo"],
                dati["anno_scolastico"],
                utente=request.user,
                distretto=dati.get("distretto"),
                ambito=dati.get("ambito"),
            )
        messages.success(request, _("Richiesta registrata: il report è in preparazione."))
        return redirect(job)
    return render(request, "report/nuovo.html", {"form": form, "senza_valutazione": True})


def _contesto_job(request, oggetto: ReportJob, ambito, form_invio=None) -> dict:
    versioni = list(
        oggetto.versioni().only("pk", "versione", "stato", "creato_il", "completato_il", "sha256")
    )
    contesto = {
        "job": oggetto,
        "senza_valutazione": True,
        "puo_inviare": ambito.staff and oggetto.stato == StatoJob.COMPLETATO,
        "versioni": versioni if len(versioni) > 1 else [],
        "ultima_versione": max(v.versione for v in versioni),
        # The send history of the whole series: which version went to whom, when, with which checksum.
        "invii": InvioReport.objects.filter(job__in=[v.pk for v in versioni])
        .select_related("organo", "job")
        .order_by("-creato_il", "-pk")[:50],
    }
    if contesto["puo_inviare"]:
        contesto["form_invio"] = form_invio or InvioOrganiForm(
            job=oggetto, tutti_distretti="tutti_distretti" in request.GET
        )
    return contesto


@login_required
@require_GET
def job(request, pk: int):
    ambito = _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    return render(request, "report/job.html", _contesto_job(request, oggetto, ambito))


@login_required
@require_GET
def stato(request, pk: int):
    """JSON status polled by the job page (report/js/report-job.js)."""
    _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    risposta = JsonResponse(
        {
            "stato": oggetto.stato,
            "stato_etichetta": oggetto.get_stato_display(),
            "progresso": oggetto.progresso,
            "fase": _(oggetto.fase) if oggetto.fase else "",  # stored in Italian
            "finito": oggetto.finito,
            "errore": oggetto.errore if oggetto.stato == StatoJob.ERRORE else "",
        }
    )
    risposta["Cache-Control"] = "no-store"
    return risposta


def _file_risposta(campo, nome: str, estensione: str) -> HttpResponseBase:
    return risposta_file(campo, nome, tipo=TIPI_CONTENUTO.get(estensione, "application/octet-stream"))


@login_required
@require_GET
def scarica(request, pk: int):
    _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    if oggetto.stato != StatoJob.COMPLETATO:
        raise Http404
    return _file_risposta(oggetto.file, oggetto.nome_file("pdf"), "pdf")


@login_required
@require_GET
def allegato(request, pk: int):
    _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    if oggetto.stato != StatoJob.COMPLETATO or not oggetto.allegato:
        raise Http404
    estensione = oggetto.allegato.name.rsplit(".", 1)[-1]
    return _file_risposta(oggetto.allegato, oggetto.nome_file(estensione), estensione)


@require_GET
def documento(request, token: str):
    """The PDF for the recipients of a send to a governance body (signed link, no account).

    The link names the job that was sent, so it keeps serving that version even after a newer one. An
    expired link answers 410 with a page that explains and lets the body ask for a new one.
    """
    invio, valido = servizi.invio_da_token(token)
    if invio is None:
        raise Http404
    if not valido:
        return render(
            request,
            "report/link_scaduto.html",
            {"invio": invio, "token": token, "giorni": servizi.VALIDITA_LINK.days},
            status=410,
        )
    return _file_risposta(invio.job.file, invio.job.nome_file("pdf"), "pdf")


@require_POST
def nuovo_link(request, token: str):
    """The body of an expired link asks staff for a new one (one e-mail a day at most per send)."""
    invio, valido = servizi.invio_da_token(token)
    if invio is None:
        raise Http404
    if valido:
        return redirect("report:documento", token=token)
    inviata = servizi.chiedi_nuovo_link(invio)
    return render(
        request,
        "report/link_scaduto.html",
        {
            "invio": invio,
            "token": token,
            "richiesta": True,
            "inviata": inviata,
            "giorni": servizi.VALIDITA_LINK.days,
        },
        status=410,
    )


@login_required
@require_POST
def rigenera(request, pk: int):
    _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    if not oggetto.finito:
        messages.info(request, _("Il report è già in preparazione."))
        return redirect(oggetto)
    with transaction.atomic():
        nuovo = servizi.nuova_versione(oggetto, utente=request.user)
    messages.success(
        request,
        _(
            "La versione %(n)d del report è in preparazione con i dati aggiornati; "
            "le versioni precedenti restano come sono."
        )
        % {"n": nuovo.versione},
    )
    return redirect(nuovo)


@login_required
@require_POST
def invia(request, pk: int):
    ambito = _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    if not ambito.staff:
        raise PermissionDenied(_("Solo lo staff invia i report agli organi di governance."))
    if oggetto.stato != StatoJob.COMPLETATO:
        messages.error(request, _("Il report non è ancora pronto."))
        return redirect(oggetto)
    form = InvioOrganiForm(request.POST, job=oggetto)
    if not form.is_valid():
        # The job page again, with the form as typed and its errors at their fields.
        return render(
            request,
            "report/job.html",
            _contesto_job(request, oggetto, ambito, form),
            status=400,
        )
    with transaction.atomic():
        invii = servizi.invia_agli_organi(
            oggetto,
            form.cleaned_data["organi"],
            utente=request.user,
            messaggio=form.cleaned_data["messaggio"],
            protocollo=form.cleaned_data["protocollo"],
        )
    messages.success(
        request,
        _("Invio a %(n)d organi registrato: riceveranno un'e-mail con il link al report.")
        % {"n": len(invii)},
    )
    return redirect(oggetto)


@dataclass(frozen=True)
class SelezioneCruscotto:
    """What the dashboard shows: a school year and, optionally, a district, a thematic area, a level."""

    anno: str
    distretto: Distretto | None = None
    ambito: AmbitoTematico | None = None
    livello: str | None = None

    @property
    def chiave(self) -> str:
        parti = (self.distretto, self.ambito)
        return ":".join([self.anno, *[str(p.pk) if p else "-" for p in parti], self.livello or "-"])


def _selezione_cruscotto(request) -> tuple[CruscottoForm, SelezioneCruscotto]:
    """The dashboard's selection as the user may see it: offices get their district."""
    ambito = _richiede_ruolo(request)
    form = CruscottoForm(request.GET or None, user=request.user)
    anno = anni_disponibili()[0]
    distretto = tema = None
    livello = None
    # The fields that are valid apply even if another is not (an office asking for another district
    # still gets the year, area and level it chose, in its own district).
    form.is_valid()
    scelti = getattr(form, "cleaned_data", {})
    anno = scelti.get("anno") or anno
    distretto = scelti.get("distretto")
    tema = scelti.get("ambito")
    livello = scelti.get("livello") or None
    if not ambito.staff and (distretto is None or distretto.pk not in ambito.distretti_ufficio):
        # The form offers these users only their own districts: the first of them is shown.
        propri = campo_di(form, "distretto", forms.ModelChoiceField).queryset
        distretto = propri.order_by("nome").first() if propri is not None else None
        if distretto is None:
            raise PermissionDenied
    return form, SelezioneCruscotto(anno, distretto, tema, livello)


def _dati_cruscotto(sel: SelezioneCruscotto) -> dict:
    """Indicators, chart specifications with their SVG, the trend and the summary (one cache entry per
    selection and language). The same functions make the PDF (indicatori.calcola, tabelle_tendenza,
    grafici.specifiche, sintesi.sintesi); one district is set against the network, as in its report.
    """
    chiave = f"report:cruscotto:v3:{sel.chiave}:{get_language()}"
    dati = cache.get(chiave)
    if dati is None:
        ind = indicatori.calcola(sel.anno, sel.distretto, sel.ambito, sel.livello)
        rete = indicatori.calcola(sel.anno, None, sel.ambito, sel.livello) if sel.distretto else None
        dati = {
            "ind": ind,
            "grafici": [{**spec, "svg": grafici.disegna(spec)} for spec in grafici.specifiche(ind, rete)],
            "tendenza": indicatori.tabelle_tendenza(ind, rete),
            "sintesi": sintesi.sintesi(ind),
        }
        cache.set(chiave, dati, 600)
    return dati


COLONNE_CRUSCOTTO = (
    "progetti",
    "studenti",
    "quota_ragazze",
    "quota_straniera",
    "ore",
    "quota_sicurezza",
    "organizzazioni_ospitanti",
    "allineamento_s3",
    "partecipazione_1000",
    "divario_genere_tecnici",
    "azioni_interdistrettuali",
    "ore_assistenza",
    "accordi_attivi",
    "comuni_senza_progetti",
    "scuole_senza_progetti",
)
# The figures counted over the selection's projects: each links to the list of those projects.
CIFRE_DEI_PROGETTI = frozenset(
    {
        "progetti",
        "studenti",
        "quota_ragazze",
        "quota_straniera",
        "ore",
        "quota_sicurezza",
        "partecipazione_1000",
    }
)


@login_required
@require_GET
def cruscotto(request):
    """Staff dashboard: the report's indicators and charts (district offices: their district)."""
    form, sel = _selezione_cruscotto(request)
    dati = _dati_cruscotto(sel)
    colonne = indicatori.colonne(*COLONNE_CRUSCOTTO)
    for c in colonne:
        c["elenco"] = c["chiave"] in CIFRE_DEI_PROGETTI
    return render(
        request,
        "report/cruscotto.html",
        {
            **dati,
            "form": form,
            "anno": sel.anno,
            "distretto": sel.distretto,
            "selezione": sel,
            "query": request.GET.urlencode(),
            "senza_valutazione": True,
            "colonne_sintesi": colonne,
        },
    )


@login_required
@require_GET
def cruscotto_progetti(request):
    """Drill-down: the counted projects behind the dashboard's figures, for the same selection.

    `?distretto=` narrows to one district (the rows of the district tables link here with it); an
    office only ever gets its own district (the selection is scoped like the dashboard's).
    """
    form, sel = _selezione_cruscotto(request)
    progetti = (
        indicatori.progetti_contati(sel.anno, sel.distretto, sel.ambito, sel.livello)
        .select_related("scuola__comune", "distretto")
        .only(
            "pk",
            "titolo",
            "stato",
            "studenti_totale",
            "studenti_ragazze",
            "ore_svolte",
            "scuola__denominazione",
            "scuola__codice_meccanografico",
            "scuola__comune__nome",
            "distretto__nome",
        )
        .order_by("-studenti_totale", "-ore_svolte", "pk")
    )
    pagina = Paginator(progetti, 25).get_page(request.GET.get("pagina"))
    parametri = request.GET.copy()
    parametri.pop("pagina", None)
    return render(
        request,
        "report/cruscotto_progetti.html",
        {
            "form": form,
            "selezione": sel,
            "livello_etichetta": Livello(sel.livello).label if sel.livello else "",
            "pagina": pagina,
            "query": parametri.urlencode(),
            "senza_valutazione": True,
        },
    )


FORMATI_GRAFICO = {
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
}


@login_required
@require_GET
def cruscotto_grafico(request, nome: str, formato: str):
    """One dashboard chart as CSV (its table), SVG or PNG, for the same selection as the page."""
    _form, sel = _selezione_cruscotto(request)
    spec = next((g for g in _dati_cruscotto(sel)["grafici"] if g["nome"] == nome), None)
    if spec is None or formato not in FORMATI_GRAFICO:
        raise Http404
    base = f"cruscotto-{nome}-{sel.anno.replace('/', '-')}" + (
        f"-{sel.distretto.slug}" if sel.distretto else ""
    )
    if formato == "svg":
        risposta = HttpResponse(spec["svg"], content_type=FORMATI_GRAFICO[formato])
    elif formato == "png":
        risposta = HttpResponse(grafici.png(spec["svg"]), content_type=FORMATI_GRAFICO[formato])
    else:
        risposta = HttpResponse(content_type=FORMATI_GRAFICO[formato])
        risposta.write("\ufeff")  # spreadsheet programs read UTF-8 with a BOM
        scrittore = csv.writer(risposta, delimiter=";")
        scrittore.writerow([neutralizza_formula(c) for c in ["", *spec["serie"]]])
        for i, etichetta in enumerate(spec["etichette"]):
            scrittore.writerow(
                [neutralizza_formula(etichetta), *[valori[i] for valori in spec["serie"].values()]]
            )
    risposta["Content-Disposition"] = f'attachment; filename="{base}.{formato}"'
    risposta["X-Content-Type-Options"] = "nosniff"
    return risposta


# --- Schedules and governance bodies (staff) ------------------------------------------------------


@richiede(di_staff)
@require_GET
def pianificazioni(request):
    elenco = PianificazioneReport.objects.select_related("distretto", "ambito").prefetch_related("organi")
    return render(
        request,
        "report/pianificazioni.html",
        {"pianificazioni": elenco.order_by("nome", "pk"), "senza_valutazione": True},
    )


@richiede(di_staff)
def pianificazione(request, pk: int | None = None):
    """Create or edit a schedule; its next run is computed from now, so the change applies at once."""
    oggetto = get_object_or_404(PianificazioneReport, pk=pk) if pk else None
    form = PianificazioneForm(request.POST or None, instance=oggetto)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            nuova = form.save(commit=False)
            aggiorna_prossima(nuova)
            nuova.save()
            form.save_m2m()
        messages.success(
            request,
            _("Pianificazione salvata: prossimo report il %(quando)s.")
            % {
                "quando": formats.date_format(
                    timezone.localtime(nuova.prossima_esecuzione), "DATETIME_FORMAT"
                )
            },
        )
        return redirect("report:pianificazioni")
    return render(
        request,
        "report/pianificazione.html",
        {"form": form, "oggetto": oggetto, "senza_valutazione": True},
    )


@richiede(di_staff)
@require_GET
def organi(request):
    elenco = OrganoGovernance.objects.select_related("distretto").order_by("distretto__nome", "nome")
    return render(request, "report/organi.html", {"organi": elenco, "senza_valutazione": True})


@richiede(di_staff)
def organo(request, pk: int | None = None):
    oggetto = get_object_or_404(OrganoGovernance, pk=pk) if pk else None
    form = OrganoForm(request.POST or None, instance=oggetto)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organo di governance salvato."))
        return redirect("report:organi")
    return render(
        request, "report/organo.html", {"form": form, "oggetto": oggetto, "senza_valutazione": True}
    )
