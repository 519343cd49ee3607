"""Public pages of the newsletter: subscribe, confirm, preferences, unsubscribe (also RFC 8058
one-click), archive of sent issues. No account: personal pages are reached by signed links."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alternanza.core.rete import ip_cliente

from .. import consenso, iscrizioni, limiti, tokens
from ..forms import IscrizioneForm, PreferenzeForm
from ..models import Congelata, Numero, StatoNumero
from ..rendering import Profilo, contesto_numero, senza_link_personali

STATI_IN_ARCHIVIO = (StatoNumero.INVIATO,)
STATI_LEGGIBILI = (StatoNumero.INVIATO, StatoNumero.IN_INVIO, StatoNumero.IN_PAUSA, StatoNumero.ANNULLATO)


def ip_di(request) -> str | None:
    # The trusted proxies' view of the client (alternanza.core.rete), never a header the client chose.
    return ip_cliente(request)


def _link_non_valido(request, scaduto: bool = False):
    return render(
        request,
        "newsletter/link_non_valido.html",
        {"scaduto": scaduto, "senza_valutazione": True},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def iscrizione(request):
    """The subscribe form. Same answer whatever the address's state (no enumeration)."""
    if request.method == "POST":
        if not limiti.consenti_richiesta_ip(ip_di(request)):
            form = IscrizioneForm(request.POST)
            contesto = {"form": form, "troppe": True, "senza_valutazione": True}
            return render(request, "newsletter/iscrizione.html", contesto, status=429)
        form = IscrizioneForm(request.POST)
        if form.is_valid():
            iscrizioni.richiedi_iscrizione(
                form.cleaned_data, ip_di(request), lingua=translation.get_language() or "it"
            )
            return redirect("newsletter:controlla_posta")
    else:
        form = IscrizioneForm()
    return render(
        request,
        "newsletter/iscrizione.html",
        {"form": form, "versione_consenso": consenso.VERSIONE, "senza_valutazione": True},
    )


def controlla_posta(request):
    return render(request, "newsletter/controlla_posta.html", {"senza_valutazione": True})


@require_http_methods(["GET", "POST"])
def conferma(request, token: str):
    """Double opt-in. GET shows a button (mail scanners follow links); POST confirms."""
    try:
        iscritto = tokens.iscritto_da_conferma(token)
    except tokens.TokenScaduto:
        return _link_non_valido(request, scaduto=True)
    except tokens.TokenNonValido:
        return _link_non_valido(request)
    if request.method == "POST":
        iscrizioni.conferma(iscritto, ip_di(request))
        return render(
            request,
            "newsletter/confermata.html",
            {"token": tokens.token_personale(iscritto), "senza_valutazione": True},
        )
    return render(request, "newsletter/conferma.html", {"iscritto": iscritto, "senza_valutazione": True})


@require_http_methods(["GET", "POST"])
def preferenze(request, token: str):
    try:
        iscritto = tokens.iscritto_da_personale(token)
    except tokens.TokenNonValido:
        return _link_non_valido(request)
    if request.method == "POST":
        form = PreferenzeForm(request.POST)
        if form.is_valid():
            iscrizioni.aggiorna_preferenze(iscritto, form.cleaned_data, ip_di(request))
            from django.contrib import messages

            messages.success(request, _("Preferenze salvate."))
            return redirect("newsletter:preferenze", token=token)
    else:
        form = PreferenzeForm(
            initial={
                "distretti": iscritto.distretti.all(),
                "ambiti": iscritto.ambiti.all(),
                "pubblici": iscritto.pubblici.all(),
            }
        )
    return render(
        request,
        "newsletter/preferenze.html",
        {"form": form, "iscritto": iscritto, "token": token, "senza_valutazione": True},
    )


def _disiscrizione(request, token: str, one_click: bool):
    try:
        iscritto = tokens.iscritto_da_personale(token)
    except tokens.TokenNonValido:
        return _link_non_valido(request)
    if request.method == "POST":
        iscrizioni.disiscrivi(iscritto, ip_di(request), fonte="one-click" if one_click else "pagina")
        return render(request, "newsletter/disiscritto.html", {"senza_valutazione": True})
    return render(
        request,
        "newsletter/disiscrizione.html",
        {"iscritto": iscritto, "token": token, "one_click": one_click, "senza_valutazione": True},
    )


@require_http_methods(["GET", "POST"])
def disiscrizione(request, token: str):
    """Unsubscribe page of the personal link: GET asks, POST (with CSRF token) unsubscribes."""
    return _disiscrizione(request, token, one_click=False)


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without any token
@require_http_methods(["GET", "POST"])
def one_click(request, token: str):
    """List-Unsubscribe target. POST unsubscribes (idempotent, no login, no CSRF token: the signed
    token is the credential); GET only shows a confirmation button, never unsubscribes by itself."""
    return _disiscrizione(request, token, one_click=True)


def archivio(request):
    numeri = Numero.objects.filter(stato__in=STATI_IN_ARCHIVIO).only(
        "pk", "oggetto", "preheader", "inviato_il"
    )
    pagina = Paginator(numeri.order_by("-inviato_il", "-pk"), 20).get_page(request.GET.get("pagina"))
    return render(request, "newsletter/archivio.html", {"pagina": pagina})


def archivio_numero(request, pk: int):
    """Web version of a sent issue (the content every subscriber without preferences got)."""
    numero = get_object_or_404(Numero, pk=pk, stato__in=STATI_LEGGIBILI)
    if numero.stato != StatoNumero.INVIATO and not numero.avviato_il:
        raise Http404
    lingua = translation.get_language() or "it"
    congelate = {c.lingua: c for c in numero.congelate.filter(chiave="")}
    congelata = congelate.get(lingua) or congelate.get(settings.LANGUAGE_CODE)
    if congelata is not None:
        # What was sent, frozen when the send started: never a re-render with today's data.
        contesto = {
            "numero": numero,
            "corpo_html": mark_safe(congelata.corpo_html),  # noqa: S308 - sanitised before freezing  # nosec
            "blocchi": congelata.blocchi,
            "congelata": congelata,
        }
    else:  # an issue sent before versions were frozen
        contesto = contesto_numero(numero, Profilo(lingua=lingua))
    contesto["ultimo_aggiornamento"] = numero.inviato_il or numero.avviato_il
    return render(request, "newsletter/numero_web.html", contesto)


# django-csp types its decorators for views taking the request only; it passes every argument through.
@csp_replace({"style-src": ["'unsafe-inline'"], "img-src": ["'self'", "data:", "https:"]})  # type: ignore[arg-type]
def archivio_versione(request: HttpRequest, pk: int, versione: int) -> HttpResponse:
    """The e-mail exactly as one profile received it (frozen HTML; personal links made general)."""
    congelata = get_object_or_404(
        Congelata.objects.select_related("numero"),
        pk=versione,
        numero_id=pk,
        numero__stato__in=STATI_LEGGIBILI,
    )
    if not congelata.numero.avviato_il:
        raise Http404
    return HttpResponse(senza_link_personali(congelata.html, congelata.lingua))
