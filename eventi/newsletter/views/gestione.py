"""Staff pages of the newsletter: compose issues, preview, test, schedule or send, follow the progress,
pause and resume; subscribers list, CSV import/export, erasure on request (GDPR)."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alternanza.core import importazioni
from alternanza.core.compiti import accoda
from alternanza.core.utenti import richiede
from distretti.models import AmbitoTematico, Distretto
from distretti.permissions import di_staff

from .. import invio, iscrizioni, trasferimento
from ..forms import CercaIscrittiForm, ImmagineForm, ImportaForm, NumeroForm, ProgrammaForm, ProvaForm
from ..models import Congelata, Immagine, Iscritto, Numero, Pubblico, StatoIscritto
from ..rendering import Profilo, contesto_numero, rendi_numero
from ..statistiche import resoconto
from ..tasks import invia_prova
from ..testo import markdown_in_html
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


def _contesto_form(request, form, numero=None) -> dict:
    """The editor's page: the form, the no-JavaScript preview ("Anteprima" submit) and the images."""
    anteprima = None
    if request.method == "POST" and request.POST.get("azione") == "anteprima":
        anteprima = mark_safe(markdown_in_html(request.POST.get("corpo", "")))  # noqa: S308 - nh3  # nosec
    return {
        "form": form,
        "numero": numero,
        "anteprima_corpo": anteprima,
        "immagini": Immagine.objects.filter(numero=numero)[:30] if numero else [],
        "immagine_form": ImmagineForm(),
        "modelli": Numero.objects.filter(modello=True).only("pk", "oggetto")[:20] if numero is None else [],
        "senza_valutazione": True,
    }


def _salva(request) -> bool:
    return request.method == "POST" and request.POST.get("azione") != "anteprima"


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def numero_nuovo(request):
    form = NumeroForm(request.POST or None)
    if _salva(request) and form.is_valid():
        numero = form.save(commit=False)
        numero.creato_da = request.user
        numero.save()
        form.save_m2m()
        messages.success(request, _("Bozza salvata."))
        return redirect("newsletter:numero", pk=numero.pk)
    return render(request, "newsletter/gestione/numero_form.html", _contesto_form(request, form))


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def numero_modifica(request, pk: int):
    numero = _numero(pk)
    if not numero.modificabile:
        messages.error(request, _("Un numero in invio o già inviato non si può modificare."))
        return redirect("newsletter:numero", pk=numero.pk)
    form = NumeroForm(request.POST or None, instance=numero)
    if _salva(request) and form.is_valid():
        form.save()
        messages.success(request, _("Modifiche salvate."))
        return redirect("newsletter:numero", pk=numero.pk)
    return render(request, "newsletter/gestione/numero_form.html", _contesto_form(request, form, numero))


@richiede(di_staff)
@require_POST
def numero_anteprima_testo(request):
    """The body as it will be sent, for the editor's live preview (the same function as the e-mail)."""
    return HttpResponse(markdown_in_html(request.POST.get("corpo", "")[:200_000]))


@richiede(di_staff)
@require_POST
def numero_immagine(request, pk: int):
    """Upload an image for the issue's body: re-encoded, stored, served by the portal."""
    numero = _numero(pk)
    form = ImmagineForm(request.POST, request.FILES)
    if form.is_valid():
        immagine = Immagine(
            numero=numero, testo_alternativo=form.cleaned_data["testo_alternativo"], caricata_da=request.user
        )
        immagine.file.save(form.cleaned_data["immagine"].name, form.cleaned_data["immagine"], save=False)
        immagine.save()
        messages.success(
            request,
            _("Immagine caricata: copia nel testo la riga %(riga)s.")
            % {"riga": f"![{immagine.testo_alternativo}]({immagine.file.url})"},
        )
    else:
        for campo, errori in form.errors.items():
            for errore in errori:
                etichetta = form.fields[campo].label if campo in form.fields else ""
                messages.error(request, f"{etichetta}: {errore}" if etichetta else str(errore))
    destinazione = "newsletter:numero_modifica" if numero.modificabile else "newsletter:numero"
    return redirect(destinazione, pk=numero.pk)


@richiede(di_staff)
@require_POST
def numero_duplica(request, pk: int):
    """A new draft with this issue's text, blocks and segment (also: start from a template)."""
    originale = _numero(pk)
    with transaction.atomic():
        copia = Numero.objects.create(
            oggetto=originale.oggetto
            if originale.modello
            else _("Copia di %(oggetto)s") % {"oggetto": originale.oggetto},
            preheader=originale.preheader,
            corpo=originale.corpo,
            periodo_dal=originale.periodo_dal,
            periodo_al=originale.periodo_al,
            blocco_eventi=originale.blocco_eventi,
            blocco_progetti=originale.blocco_progetti,
            blocco_notizie=originale.blocco_notizie,
            creato_da=request.user,
        )
        copia.distretti.set(originale.distretti.all())
        copia.ambiti.set(originale.ambiti.all())
        copia.pubblici.set(originale.pubblici.all())
    messages.success(request, _("Nuova bozza creata: rivedi il testo e le date prima di inviarla."))
    return redirect("newsletter:numero_modifica", pk=copia.pk)


@richiede(di_staff)
def numero(request, pk: int):
    """The issue's page for staff: actions and the live progress of the send."""
    numero = _numero(pk)
    return render(request, "newsletter/gestione/numero.html", _contesto_numero(request, numero))


def _contesto_numero(request, numero: Numero, prova_form=None) -> dict:
    return {
        "numero": numero,
        "statistiche": numero.statistiche(),
        "resoconto": resoconto(numero) if numero.avviato_il else None,
        "versioni": Congelata.objects.filter(numero=numero)
        .only("pk", "lingua", "chiave")
        .order_by("creata_il", "pk")[:50],
        "destinatari_previsti": numero.destinatari().count() if numero.modificabile else None,
        "programma_form": ProgrammaForm(),
        "prova_form": prova_form or ProvaForm(initial={"indirizzi": request.user.email}),
        "distretti": Distretto.objects.all(),
        "ambiti": AmbitoTematico.objects.all(),
        "senza_valutazione": True,
    }


@richiede(di_staff)
def numero_stato(request, pk: int):
    """Progress as JSON for the page's polling script."""
    numero = _numero(pk)
    return JsonResponse(numero.statistiche())


def _profilo_richiesto(request) -> Profilo:
    def _ids(nome):
        return tuple(sorted(int(v) for v in request.GET.getlist(nome) if v.isdigit()))

    lingue = dict(settings.LANGUAGES)
    lingua = request.GET.get("lingua") if request.GET.get("lingua") in lingue else None
    return Profilo(
        distretti=_ids("distretto"), ambiti=_ids("ambito"), lingua=lingua or request.LANGUAGE_CODE or "it"
    )


@richiede(di_staff)
def numero_anteprima(request, pk: int):
    """Preview in the portal's layout, for a chosen profile of interests (segmentation)."""
    numero = _numero(pk)
    profilo = _profilo_richiesto(request)
    try:
        contesto = contesto_numero(numero, profilo)
    except invio.ERRORI_DEI_DATI:
        messages.error(
            request, _("L'anteprima non si può comporre: controlla le date dei blocchi automatici.")
        )
        return redirect("newsletter:numero", pk=numero.pk)
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
    try:
        contenuto = rendi_numero(numero, _profilo_richiesto(request))
    except invio.ERRORI_DEI_DATI:
        return HttpResponse(
            _("L'anteprima non si può comporre: controlla le date dei blocchi automatici."), status=400
        )
    _testo, html = contenuto.personalizza("anteprima")
    risposta = HttpResponse(html)
    risposta["X-Robots-Tag"] = "noindex"
    return risposta


@richiede(di_staff)
@require_POST
def numero_prova(request, pk: int):
    numero = _numero(pk)
    form = ProvaForm(request.POST)
    if not form.is_valid():
        # The page again with what was typed and the message at the field.
        return render(
            request, "newsletter/gestione/numero.html", _contesto_numero(request, numero, form), status=400
        )
    elenco, lingua = form.cleaned_data["elenco"], form.cleaned_data["lingua"]
    accoda(invia_prova, numero.pk, elenco, lingua)
    messages.success(request, _("Messaggio di prova inviato a %(email)s.") % {"email": ", ".join(elenco)})
    return redirect("newsletter:numero", pk=numero.pk)


def stima_durata(destinatari: int) -> str:
    """ "283 destinatari, circa 30 secondi al ritmo di 10 messaggi al secondo" (the configured rate)."""
    ritmo = settings.NEWSLETTER_RATE_LIMIT
    if not ritmo:
        return _("%(n)s destinatari, senza limite di ritmo.") % {"n": destinatari}
    secondi = destinatari / ritmo
    if secondi < 90:
        durata = _("circa %(s)s secondi") % {
            "s": max(1, round(secondi / 10) * 10 if secondi >= 10 else round(secondi))
        }
    elif secondi < 5400:
        durata = _("circa %(m)s minuti") % {"m": round(secondi / 60)}
    else:
        durata = _("circa %(h)s ore") % {"h": round(secondi / 3600, 1)}
    return _("%(n)s destinatari, %(durata)s al ritmo di %(ritmo)s messaggi al secondo") % {
        "n": destinatari,
        "durata": durata,
        "ritmo": f"{ritmo:g}",
    }


@richiede(di_staff)
def numero_conferma(request, pk: int):
    """The last step before sending: recipients per language and audience, the last preview, the time."""
    numero = _numero(pk)
    if not numero.modificabile:
        messages.error(request, _("Questo numero è già in invio o inviato."))
        return redirect("newsletter:numero", pk=numero.pk)
    destinatari = numero.destinatari()
    totale = destinatari.count()
    nomi_lingue = dict(settings.LANGUAGES)
    per_lingua = [
        (nomi_lingue.get(r["lingua"], r["lingua"]), r["n"])
        for r in destinatari.order_by().values("lingua").annotate(n=Count("pk")).order_by("-n")
    ]
    ids = destinatari.values("pk")
    per_pubblico = [
        (p.nome, p.n)
        for p in Pubblico.objects.annotate(n=Count("iscritto", filter=Q(iscritto__in=ids))).order_by(
            "ordine", "nome"
        )
    ]
    senza_pubblico = destinatari.filter(pubblici__isnull=True).count()
    return render(
        request,
        "newsletter/gestione/conferma.html",
        {
            "numero": numero,
            "totale": totale,
            "per_lingua": per_lingua,
            "per_pubblico": per_pubblico,
            "senza_pubblico": senza_pubblico,
            "stima": stima_durata(totale),
            "lingue": settings.LANGUAGES,
            "senza_valutazione": True,
        },
    )


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
    elif request.POST.get("conferma") != "1":
        return redirect("newsletter:numero_conferma", pk=numero.pk)
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
def numero_annulla_invio(request, pk: int):
    """Cancel a scheduled, running or paused send (what went out stays sent)."""
    numero = _numero(pk)
    if invio.annulla(numero):
        messages.success(
            request, _("Invio annullato: i messaggi già partiti restano inviati, gli altri non partiranno.")
        )
    else:
        messages.error(request, _("Questo numero non si può annullare."))
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
def _iscritti_filtrati(request):
    """The subscribers of the active filter (the list and the export show the same ones)."""
    form = CercaIscrittiForm(request.GET or None)
    qs = Iscritto.objects.all()
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(email__icontains=form.cleaned_data["q"])
        if form.cleaned_data["stato"] == "non_recapitabile":
            qs = qs.filter(non_recapitabile_il__isnull=False)
        elif form.cleaned_data["stato"]:
            qs = qs.filter(stato=form.cleaned_data["stato"])
    return form, qs


@richiede(di_staff)
def iscritti(request):
    form, qs = _iscritti_filtrati(request)
    qs = qs.only(
        "pk", "email", "stato", "fonte", "importato_con_consenso", "creato_il", "non_recapitabile_il"
    )
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
            "filtro": request.GET.urlencode(),
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
    _form, qs = _iscritti_filtrati(request)
    return trasferimento.esporta_csv(qs)


@richiede(di_staff)
@require_http_methods(["GET", "POST"])
def iscritti_importa(request):
    """Upload only: the import runs on a worker and its page follows it (alternanza.core.importazioni)."""
    # Bound on every POST, even one without fields (an empty POST is falsy: `or None` would skip the errors).
    form = ImportaForm(request.POST, request.FILES) if request.method == "POST" else ImportaForm()
    if request.method == "POST" and form.is_valid():
        importazione = importazioni.richiedi(
            "iscritti_newsletter",
            form.cleaned_data["file"],
            request.user,
            {"nota_consenso": form.cleaned_data["nota_consenso"], "ip": ip_di(request)},
        )
        return redirect("area:importazione", pk=importazione.pk)
    recenti = importazioni.recenti("iscritti_newsletter")
    return render(
        request,
        "newsletter/gestione/importa.html",
        {"form": form, "recenti": recenti, "senza_valutazione": True},
    )
