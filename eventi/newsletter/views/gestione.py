"""Staff pages of the newsletter: compose issues, preview, test, schedule or send, follow the progress,
pause and resume; subscribers list, CSV import/export, erasure on request (GDPR)."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alternanza.core.compiti import accoda
from alternanza.core.utenti import richiede
from distretti.models import AmbitoTematico, Distretto
from distretti.permissions import di_staff

from .. import invio, iscrizioni, trasferimento
from ..forms import CercaIscrittiForm, ImportaForm, NumeroForm, ProgrammaForm
from ..models import Iscritto, Numero, StatoIscritto
from ..rendering import Profilo, contesto_numero, rendi_numero
from ..tasks import invia_prova
from .pubbliche import ip_di  # noqa: F401 - shared helper, re-exported for the staff views


def _numero(pk: int) -> Numero:
    return get_object_or_404(Numero, pk=pk)


@richiede(di_staff)
def numeri(request):
    qs = Numero.objects.annotate(
        inviate=Count("consegne", filter=Q(consegne__stato="inviata")),
    ).order_by("-creato_il", "-pk")
    pagina = Paginator(qs, 25).get_page(request.GET.get("pagina"))
    iscritti = Iscritto.objects.confermati().count()
    return render(
        request,
        "newsletter/gestione/numeri.html",
        {"pagina": pagina, "iscritti_confermati": iscritti, "senza_valutazione": True},
    )


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def numero_nuovo(request):
    form = NumeroForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        numero = form.save(commit=False)
        numero.creato_da = request.user
        numero.save()
        form.save_m2m()
        messages.success(request, _("Bozza salvata."))
        return redirect("newsletter:numero", pk=numero.pk)
    return render(request, "newsletter/gestione/numero_form.html", {"form": form, "senza_valutazione": True})


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def numero_modifica(request, pk: int):
    numero = _numero(pk)
    if not numero.modificabile:
        messages.error(request, _("Un numero in invio o già inviato non si può modificare."))
        return redirect("newsletter:numero", pk=numero.pk)
    form = NumeroForm(request.POST or None, instance=numero)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Modifiche salvate."))
        return redirect("newsletter:numero", pk=numero.pk)
    return render(
        request,
        "newsletter/gestione/numero_form.html",
        {"form": form, "numero": numero, "senza_valutazione": True},
    )


@richiede(di_staff)
def numero(request, pk: int):
    """The issue's page for staff: actions and the live progress of the send."""
    numero = _numero(pk)
    contesto = {
        "numero": numero,
        "statistiche": numero.statistiche(),
        "destinatari_previsti": numero.destinatari().count() if numero.modificabile else None,
        "programma_form": ProgrammaForm(),
        "distretti": Distretto.objects.all(),
        "ambiti": AmbitoTematico.objects.all(),
        "senza_valutazione": True,
    }
    return render(request, "newsletter/gestione/numero.html", contesto)


@richiede(di_staff)
def numero_stato(request, pk: int):
    """Progress as JSON for the page's polling script."""
    numero = _numero(pk)
    return JsonResponse(numero.statistiche())


def _profilo_richiesto(request) -> Profilo:
    def _ids(nome):
        return tuple(sorted(int(v) for v in request.GET.getlist(nome) if v.isdigit()))

    return Profilo(distretti=_ids("distretto"), ambiti=_ids("ambito"), lingua=request.LANGUAGE_CODE or "it")


@richiede(di_staff)
def numero_anteprima(request, pk: int):
    """Preview in the portal's layout, for a chosen profile of interests (segmentation)."""
    numero = _numero(pk)
    profilo = _profilo_richiesto(request)
    contesto = contesto_numero(numero, profilo)
    contesto.update(
        {
            "anteprima": True,
            "profilo": profilo,
            "distretti": Distretto.objects.all(),
            "ambiti": AmbitoTematico.objects.all(),
            "senza_valutazione": True,
        }
    )
    return render(request, "newsletter/numero_web.html", contesto)


@richiede(di_staff)
# django-csp types its decorators for views taking the request only; it passes every argument through.
@csp_replace({"style-src": ["'unsafe-inline'"], "img-src": ["'self'", "data:", "https:"]})  # type: ignore[arg-type]
def numero_anteprima_email(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact HTML part of the e-mail (inline styles: allowed for this response only, no scripts)."""
    numero = _numero(pk)
    contenuto = rendi_numero(numero, _profilo_richiesto(request))
    _testo, html = contenuto.personalizza("anteprima")
    risposta = HttpResponse(html)
    risposta["X-Robots-Tag"] = "noindex"
    return risposta


@richiede(di_staff)
@require_POST
def numero_prova(request, pk: int):
    numero = _numero(pk)
    if not request.user.email:
        messages.error(request, _("Il tuo account non ha un indirizzo e-mail."))
    else:
        email = request.user.email
        accoda(invia_prova, numero.pk, email)
        messages.success(request, _("Messaggio di prova inviato a %(email)s.") % {"email": email})
    return redirect("newsletter:numero", pk=numero.pk)


@richiede(di_staff)
@require_POST
def numero_invia(request, pk: int):
    """Send now, or schedule (with a date in the form)."""
    numero = _numero(pk)
    if request.POST.get("azione") == "programma":
        form = ProgrammaForm(request.POST)
        if not form.is_valid():
            for errore in form.errors.get("programmato_per", []):
                messages.error(request, str(errore))
            return redirect("newsletter:numero", pk=numero.pk)
        if invio.programma(numero, form.cleaned_data["programmato_per"]):
            quando = timezone.localtime(form.cleaned_data["programmato_per"])
            messages.success(
                request,
                _("Invio programmato per il %(quando)s.")
                % {"quando": date_format(quando, "SHORT_DATETIME_FORMAT")},
            )
        else:
            messages.error(request, _("Questo numero non si può più programmare."))
    elif invio.invia_ora(numero):
        messages.success(request, _("Invio avviato."))
    else:
        messages.error(request, _("Questo numero è già in invio o inviato."))
    return redirect("newsletter:numero", pk=numero.pk)


@richiede(di_staff)
@require_POST
def numero_annulla(request, pk: int):
    numero = _numero(pk)
    if invio.annulla_programmazione(numero):
        messages.success(request, _("Programmazione annullata: il numero è tornato bozza."))
    return redirect("newsletter:numero", pk=numero.pk)


@richiede(di_staff)
@require_POST
def numero_pausa(request, pk: int):
    numero = _numero(pk)
    if invio.pausa(numero):
        messages.success(request, _("Invio in pausa: i messaggi già partiti restano inviati."))
    return redirect("newsletter:numero", pk=numero.pk)


@richiede(di_staff)
@require_POST
def numero_riprendi(request, pk: int):
    numero = _numero(pk)
    if invio.riprendi(numero):
        messages.success(request, _("Invio ripreso."))
    return redirect("newsletter:numero", pk=numero.pk)


# --- Subscribers ----------------------------------------------------------------------------------
@richiede(di_staff)
def iscritti(request):
    form = CercaIscrittiForm(request.GET or None)
    qs = Iscritto.objects.only("pk", "email", "stato", "fonte", "importato_con_consenso", "creato_il")
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(email__icontains=form.cleaned_data["q"])
        if form.cleaned_data["stato"]:
            qs = qs.filter(stato=form.cleaned_data["stato"])
    pagina = Paginator(qs.order_by("email"), 50).get_page(request.GET.get("pagina"))
    conteggi = dict(
        Iscritto.objects.order_by().values("stato").annotate(n=Count("pk")).values_list("stato", "n")
    )
    return render(
        request,
        "newsletter/gestione/iscritti.html",
        {
            "form": form,
            "pagina": pagina,
            "conteggi": [(etichetta, conteggi.get(valore, 0)) for valore, etichetta in StatoIscritto.choices],
            "senza_valutazione": True,
        },
    )


@richiede(di_staff)
def iscritto(request, pk: int):
    """A subscriber with its consent log (the answer to an access request), and the erasure button."""
    iscritto = get_object_or_404(Iscritto.objects.prefetch_related("distretti", "ambiti", "pubblici"), pk=pk)
    return render(
        request,
        "newsletter/gestione/iscritto.html",
        {"iscritto": iscritto, "consensi": iscritto.consensi.all(), "senza_valutazione": True},
    )


@richiede(di_staff)
@require_POST
def iscritto_elimina(request, pk: int):
    iscritto = get_object_or_404(Iscritto, pk=pk)
    iscrizioni.elimina(iscritto, request.user)
    messages.success(request, _("Iscritto cancellato con il suo registro dei consensi e le consegne."))
    return redirect("newsletter:iscritti")


@richiede(di_staff)
def iscritti_esporta(request):
    return trasferimento.esporta_csv()


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def iscritti_importa(request):
    form = ImportaForm(request.POST or None, request.FILES or None)
    esito = None
    if request.method == "POST" and form.is_valid():
        esito = trasferimento.importa_csv(
            form.cleaned_data["file"], form.cleaned_data["nota_consenso"], request.user, ip_di(request)
        )
        if esito.ok:
            messages.success(
                request,
                _("Importazione completata: %(nuovi)s nuovi iscritti, %(presenti)s già presenti.")
                % {"nuovi": esito.creati, "presenti": esito.gia_presenti},
            )
            return redirect("newsletter:iscritti")
    return render(
        request,
        "newsletter/gestione/importa.html",
        {"form": form, "esito": esito, "senza_valutazione": True},
    )
