"""Views of the reports: request, job page with progress, download, send to bodies, staff dashboard.

Who may do what comes from distretti.permissions.ambito_di through ReportJob.objects.visibili_a: staff
see and request everything; a district office sees and requests only its districts' reports (another
district's job → 404); other roles are refused (403). Governance bodies download through a signed link.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alternanza.core.archivi import risposta_file
from alternanza.core.tipi import campo_di
from alternanza.report import grafici, indicatori, servizi
from alternanza.report.forms import CruscottoForm, InvioOrganiForm, RichiestaReportForm, anni_disponibili
from alternanza.report.models import ReportJob, StatoJob
from distretti.permissions import ambito_di

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
    _richiede_ruolo(request)
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
    return render(request, "report/elenco.html", {"pagina": pagina, "senza_valutazione": True})


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


@login_required
@require_GET
def job(request, pk: int):
    ambito = _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    contesto = {
        "job": oggetto,
        "senza_valutazione": True,
        "puo_inviare": ambito.staff and oggetto.stato == StatoJob.COMPLETATO,
        "invii": oggetto.invii.select_related("organo").order_by("-creato_il")[:50],
    }
    if contesto["puo_inviare"]:
        contesto["form_invio"] = InvioOrganiForm(job=oggetto)
    return render(request, "report/job.html", contesto)


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
    """The PDF for the recipients of a send to a governance body (signed link, no account)."""
    oggetto = servizi.job_da_token(token)
    if oggetto is None:
        raise Http404
    return _file_risposta(oggetto.file, oggetto.nome_file("pdf"), "pdf")


@login_required
@require_POST
def rigenera(request, pk: int):
    _richiede_ruolo(request)
    oggetto = _get_job_visibile(request, pk)
    if not oggetto.finito:
        messages.info(request, _("Il report è già in preparazione."))
        return redirect(oggetto)
    with transaction.atomic():
        servizi.rigenera(oggetto)
    messages.success(request, _("Il report sarà prodotto di nuovo con i dati aggiornati."))
    return redirect(oggetto)


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
        for errore in form.errors.get("organi", []):
            messages.error(request, str(errore))
        return redirect(oggetto)
    with transaction.atomic():
        invii = servizi.invia_agli_organi(oggetto, form.cleaned_data["organi"], utente=request.user)
    messages.success(
        request,
        _("Invio a %(n)d organi registrato: riceveranno un'e-mail con il link al report.")
        % {"n": len(invii)},
    )
    return redirect(oggetto)


@login_required
@require_GET
def cruscotto(request):
    """Staff dashboard: the report's indicators and interactive charts (district offices: their district)."""
    ambito = _richiede_ruolo(request)
    form = CruscottoForm(request.GET or None, user=request.user)
    anno = anni_disponibili()[0]
    distretto = None
    if form.is_valid():
        anno = form.cleaned_data.get("anno") or anno
        distretto = form.cleaned_data.get("distretto")
    if not ambito.staff and (distretto is None or distretto.pk not in ambito.distretti_ufficio):
        # The form offers these users only their own districts: the first of them is shown.
        propri = campo_di(form, "distretto", forms.ModelChoiceField).queryset
        distretto = propri.order_by("nome").first() if propri is not None else None
        if distretto is None:
            raise PermissionDenied
    # The charts are rendered SVG with translated labels: one cache entry per language.
    chiave = f"report:cruscotto:{anno}:{distretto.pk if distretto else 'rete'}:{get_language()}"
    dati = cache.get(chiave)
    if dati is None:
        ind = indicatori.calcola(anno, distretto=distretto)
        dati = {"ind": ind, "grafici": grafici.grafici_report(ind)}
        cache.set(chiave, dati, 600)
    return render(
        request,
        "report/cruscotto.html",
        {
            **dati,
            "form": form,
            "anno": anno,
            "distretto": distretto,
            "senza_valutazione": True,
            "colonne_sintesi": indicatori.colonne(
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
            ),
        },
    )
