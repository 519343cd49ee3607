"""SPID/CIE endpoints: SP metadata (one for SPID, one for CIE), start of the login (one link per identity
provider, one for CIE ID), the Assertion Consumer Service, the e-mail step of a first CIE login, the link
of an identity from the profile, logout with SPID Single Logout.

Without SPID settings (settings.SPID_ATTIVO false) every view answers 404; without CIE settings
(settings.CIE_ATTIVO false) the CIE metadata and the CIE e-mail step answer 404."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from importlib import import_module

from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.account.utils import user_username
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2 import BINDING_HTTP_REDIRECT
from saml2.mdstore import UnsupportedBinding
from saml2.s_utils import UnknownSystemEntity
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT, Issuer, NameID
from saml2.xmldsig import SIG_RSA_SHA256

from alternanza.spid import saml, slo
from alternanza.spid.forms import EmailCieForm
from alternanza.spid.models import (
    AsserzioneUsata,
    IdentitaSpid,
    ProviderSpid,
    SessioneIdp,
    impronta_codice_fiscale,
)
from alternanza.utenti.middleware import CHIAVE_MFA_OK
from distretti.permissions import richiede_mfa

log = logging.getLogger("alternanza.security")

COOKIE_RICHIESTA = "spid_richiesta"
SALE_RICHIESTA = "alternanza.spid.richiesta"
VALIDITA_RICHIESTA = 10 * 60  # seconds the user has to authenticate at the IdP
CHIAVE_SESSIONE = "spid"


COOKIE_USCITA = "spid_uscita"
SALE_USCITA = "alternanza.spid.uscita"
SALE_CIE = "alternanza.spid.cie_in_attesa"


def richiede_spid(vista):
    @functools.wraps(vista)
    def avvolta(request, *args, **kwargs):
        if not settings.SPID_ATTIVO:
            raise Http404
        return vista(request, *args, **kwargs)

    return avvolta


def richiede_cie(vista):
    @functools.wraps(vista)
    def avvolta(request, *args, **kwargs):
        if not settings.CIE_ATTIVO:
            raise Http404
        return vista(request, *args, **kwargs)

    return avvolta


@require_GET
@richiede_spid
def metadata(request: HttpRequest) -> HttpResponse:
    return HttpResponse(saml.metadata_firmati(), content_type="application/samlmetadata+xml; charset=utf-8")


@require_GET
@richiede_cie
def metadata_cie(request: HttpRequest) -> HttpResponse:
    """The SP metadata for the CIE federation (uploaded to the Ministry's federation portal)."""
    return HttpResponse(
        saml.metadata_firmati(saml.CIE), content_type="application/samlmetadata+xml; charset=utf-8"
    )


def _destinazione(request: HttpRequest, valore: str | None) -> str:
    if valore and url_has_allowed_host_and_scheme(
        valore, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valore
    return reverse(settings.LOGIN_REDIRECT_URL)


def _avvia(
    request: HttpRequest, entity_id: str, destinazione: str, collega: int | None, da_modulo: bool = False
) -> HttpResponse:
    cie = saml.provider_cie()
    servizio = saml.SPID
    provider: ProviderSpid | saml.ProviderCie | None
    if cie is not None and entity_id == cie.entity_id:
        provider, servizio = cie, saml.CIE
    else:
        provider = ProviderSpid.objects.filter(entity_id=entity_id, attivo=True).first()
    if provider is None:
        raise Http404
    # CIE ID answers with the same SpidL1/L2/L3 classes: the same level is asked, and checked, for both.
    livello = settings.SPID_LIVELLO
    richiesta = saml.richiesta_autenticazione(provider.entity_id, livello, relay_state="/")
    dati = {
        "id": richiesta.id,
        "istante": richiesta.istante,
        "idp": provider.entity_id,
        "servizio": servizio,
        "livello": livello,
        "next": destinazione,
        "collega": collega,
    }
    if da_modulo:
        # After a form submission the strict CSP (form-action 'self') blocks a redirect to another origin:
        # the next step is a link to the identity provider.
        risposta: HttpResponse = render(
            request,
            "spid/prosegui.html",
            {
                "titolo": _("Collega CIE") if servizio == saml.CIE else _("Collega SPID"),
                "messaggio": _("Prosegui verso %(nome)s per confermare la tua identità digitale.")
                % {"nome": provider.nome},
                "etichetta": _("Prosegui verso il gestore di identità"),
                "url": richiesta.url,
            },
        )
    else:
        risposta = HttpResponseRedirect(richiesta.url)
    # The IdP posts its response from another site: the session cookie (SameSite=Lax) is not sent then,
    # so the pending request travels in its own signed cookie, SameSite=None over HTTPS.
    sicuro = request.is_secure()
    risposta.set_cookie(
        COOKIE_RICHIESTA,
        signing.dumps(dati, salt=SALE_RICHIESTA),  # signed (SECRET_KEY) and timestamped
        max_age=VALIDITA_RICHIESTA,
        secure=sicuro,
        httponly=True,
        samesite="None" if sicuro else "Lax",
        path=reverse("spid:acs"),
    )
    return risposta


@require_GET
@richiede_spid
def accedi(request: HttpRequest) -> HttpResponse:
    """GET ?idp=<entityID>[&next=…]: redirect to the identity provider with a signed AuthnRequest."""
    return _avvia(
        request, request.GET.get("idp", ""), _destinazione(request, request.GET.get("next")), collega=None
    )


@require_POST
@richiede_spid
@login_required
@reauthentication_required
def collega(request: HttpRequest) -> HttpResponse:
    """From the profile, after the password (or TOTP) confirmation: link a SPID identity to this account."""
    if IdentitaSpid.objects.filter(utente_id=request.user.pk).exists():
        messages.info(request, _("Il tuo account è già collegato a un'identità SPID."))
        return redirect("utenti:profilo")
    return _avvia(
        request,
        request.POST.get("idp", ""),
        reverse("utenti:profilo"),
        collega=request.user.pk,
        da_modulo=True,
    )


def _rifiuta(request: HttpRequest, motivo: str, messaggio: str, status: int = 403) -> HttpResponse:
    log.warning("spid_refused reason=%s ip=%s", motivo, request.META.get("REMOTE_ADDR"))
    risposta = render(request, "spid/errore.html", {"messaggio": messaggio}, status=status)
    risposta.delete_cookie(COOKIE_RICHIESTA, path=reverse("spid:acs"))
    return risposta


def _nuovo_utente(email: str, nome: str, cognome: str, impronta: str, verificata: bool = True):
    utente_model = get_user_model()
    utente = utente_model(email=email.strip(), first_name=nome[:150], last_name=cognome[:150])
    utente.set_unusable_password()
    from allauth.account.adapter import get_adapter

    get_adapter().populate_username(None, utente)
    if not user_username(utente):
        user_username(utente, "spid_" + impronta[:20])
    utente.save()
    EmailAddress.objects.create(user=utente, email=utente.email, verified=verificata, primary=True)
    return utente


@csrf_exempt  # posted by the identity provider (HTTP-POST binding); protected by the signed request cookie
@require_POST
@richiede_spid
def acs(request: HttpRequest) -> HttpResponse:
    """Assertion Consumer Service: validate the response strictly, then log the person in."""
    try:
        dati = signing.loads(
            request.COOKIES[COOKIE_RICHIESTA], salt=SALE_RICHIESTA, max_age=VALIDITA_RICHIESTA
        )
    except (KeyError, signing.BadSignature):
        return _rifiuta(
            request,
            "no_pending_request",
            _("La richiesta di accesso è scaduta o non è partita da questo browser: riprova."),
        )
    try:
        identita = saml.valida_risposta(
            request.POST.get("SAMLResponse", ""),
            dati["id"],
            dati["istante"],
            dati["idp"],
            livello_minimo=dati["livello"],
            servizio=dati.get("servizio", saml.SPID),
        )
    except saml.RispostaNonValida as exc:
        log.info("spid_response_invalid detail=%s", exc)
        return _rifiuta(request, "invalid_response", _("La risposta del gestore di identità non è valida."))

    impronta = impronta_codice_fiscale(identita.codice_fiscale)
    utente_model = get_user_model()
    nuovo = False
    try:
        with transaction.atomic():
            AsserzioneUsata.objects.create(
                id_asserzione=identita.id_asserzione, emittente=identita.emittente, scade_il=identita.scadenza
            )
            if dati.get("collega"):
                utente = utente_model.objects.filter(pk=dati["collega"]).first()
                if utente is None:  # the account was deleted meanwhile
                    transaction.set_rollback(True)
                    return _rifiuta(request, "link_account_gone", _("Questo account è disattivato."))
                if IdentitaSpid.objects.filter(impronta=impronta).exclude(utente=utente).exists():
                    transaction.set_rollback(True)
                    return _rifiuta(
                        request,
                        "identity_linked_elsewhere",
                        _("Questa identità SPID è già collegata a un altro account del portale."),
                        status=409,
                    )
                IdentitaSpid.objects.get_or_create(utente=utente, defaults={"impronta": impronta})
            else:
                collegata = IdentitaSpid.objects.select_related("utente").filter(impronta=impronta).first()
                if collegata is not None:
                    utente = collegata.utente
                elif dati.get("servizio") == saml.CIE:
                    # CIE releases no e-mail: the new account waits for the address (completa_cie); the
                    # assertion stays consumed.
                    return _attendi_email_cie(request, identita, impronta)
                elif EmailAddress.objects.filter(email__iexact=identita.attributi["email"].strip()).exists():
                    transaction.set_rollback(True)
                    return _rifiuta(
                        request,
                        "email_account_exists",
                        _(
                            "Esiste già un account con l'e-mail della tua identità SPID. Accedi con e-mail e "
                            "password, poi collega SPID dalla pagina del profilo."
                        ),
                        status=409,
                    )
                else:
                    utente = _nuovo_utente(
                        identita.attributi["email"],
                        identita.attributi.get("name", ""),
                        identita.attributi.get("familyName", ""),
                        impronta,
                    )
                    IdentitaSpid.objects.create(utente=utente, impronta=impronta)
                    nuovo = True
            if not utente.is_active:
                transaction.set_rollback(True)
                return _rifiuta(request, "inactive", _("Questo account è disattivato."))
            # Level 1 is a password only: never a session of a role that needs a second factor.
            if identita.livello < 2 and (richiede_mfa(utente) or is_mfa_enabled(utente)):
                transaction.set_rollback(True)
                return _rifiuta(
                    request,
                    "level1_refused",
                    _(
                        "Il tuo ruolo richiede SPID di livello 2 o la verifica in due passaggi: accedi con "
                        "SPID livello 2 o con e-mail, password e codice."
                    ),
                )
            IdentitaSpid.objects.filter(utente=utente).update(ultimo_accesso=timezone.now())
    except IntegrityError:
        return _rifiuta(request, "replayed", _("Questa risposta di accesso è già stata usata."))

    _apri_sessione(request, utente, _sessione_idp(identita))
    log.info("spid_login user=%s level=%s new=%s", utente.pk, identita.livello, nuovo)
    if dati.get("collega"):
        messages.success(request, _("Identità SPID collegata al tuo account."))
    destinazione = reverse("utenti:richiedi_ruolo") if nuovo else dati.get("next") or "/"
    risposta = redirect(destinazione)
    risposta.delete_cookie(COOKIE_RICHIESTA, path=reverse("spid:acs"))
    return risposta


def _sessione_idp(identita: saml.Identita) -> dict:
    """What the portal keeps of the IdP session: enough to send it a LogoutRequest."""
    return {
        "idp": identita.emittente,
        "name_id": identita.name_id,
        "name_qualifier": identita.name_qualifier,
        "session_index": identita.session_index,
        "livello": identita.livello,
    }


def _apri_sessione(request: HttpRequest, utente, sessione_idp: dict) -> None:
    login(request, utente, backend="django.contrib.auth.backends.ModelBackend")
    request.session[CHIAVE_SESSIONE] = sessione_idp
    if not request.session.session_key:
        request.session.save()
    limite = timezone.now() - dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    SessioneIdp.objects.filter(creata_il__lt=limite).delete()  # their sessions are over anyway
    SessioneIdp.objects.create(
        session_key=request.session.session_key or "",
        emittente=sessione_idp["idp"],
        name_id=sessione_idp["name_id"],
    )
    if sessione_idp["livello"] >= 2:
        request.session[CHIAVE_MFA_OK] = True  # SPID L2/CIE (level 2 or above) is the second factor


def _attendi_email_cie(request: HttpRequest, identita: saml.Identita, impronta: str) -> HttpResponse:
    """Answer the ACS with the e-mail form itself (no redirect: nothing depends on a cookie coming back
    after the IdP's cross-site POST). What the new account needs travels in a signed, timestamped token in
    a hidden field, never in a URL; it is good once (the fiscal number's digest is unique)."""
    in_attesa = {
        "impronta": impronta,
        "nome": identita.attributi.get("name", ""),
        "cognome": identita.attributi.get("familyName", ""),
        "sessione": _sessione_idp(identita),
    }
    risposta = _pagina_email_cie(request, EmailCieForm(), signing.dumps(in_attesa, salt=SALE_CIE), in_attesa)
    risposta.delete_cookie(COOKIE_RICHIESTA, path=reverse("spid:acs"))
    return risposta


def _pagina_email_cie(request: HttpRequest, form: EmailCieForm, token: str, in_attesa: dict) -> HttpResponse:
    return render(
        request,
        "spid/completa_cie.html",
        {"form": form, "token": token, "nome": in_attesa["nome"], "cognome": in_attesa["cognome"]},
    )


@require_POST
@richiede_cie
def completa_cie(request: HttpRequest) -> HttpResponse:
    """First CIE login: CIE gives no e-mail, so the new account asks for one (a confirmation is sent)."""
    token = request.POST.get("token", "")
    try:
        in_attesa = signing.loads(token, salt=SALE_CIE, max_age=VALIDITA_RICHIESTA)
    except signing.BadSignature:
        return _rifiuta(
            request,
            "cie_pending_expired",
            _("La richiesta di accesso è scaduta o non è partita da questo browser: riprova."),
        )
    form = EmailCieForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                utente = _nuovo_utente(
                    form.cleaned_data["email"],
                    in_attesa["nome"],
                    in_attesa["cognome"],
                    in_attesa["impronta"],
                    verificata=False,
                )
                IdentitaSpid.objects.create(utente=utente, impronta=in_attesa["impronta"])
        except IntegrityError:  # this identity (the same token twice) or this address, registered meanwhile
            form.add_error("email", _("Questo indirizzo o questa identità CIE sono già registrati: accedi."))
        else:
            _apri_sessione(request, utente, in_attesa["sessione"])
            EmailAddress.objects.get(user=utente).send_confirmation(request, signup=True)
            log.info("cie_signup user=%s level=%s", utente.pk, in_attesa["sessione"]["livello"])
            return redirect("utenti:richiedi_ruolo")
    return _pagina_email_cie(request, form, token, in_attesa)


def _chiudi_sessioni_idp(emittente: str, name_id: str) -> int:
    """End every portal session opened by this IdP session (its NameID); how many."""
    righe = SessioneIdp.objects.filter(emittente=emittente, name_id=name_id)
    chiavi = list(righe.values_list("session_key", flat=True))
    motore = import_module(settings.SESSION_ENGINE)
    for chiave in chiavi:
        motore.SessionStore(session_key=chiave).delete()
    righe.delete()
    return len(chiavi)


@require_POST
@richiede_spid
def esci(request: HttpRequest) -> HttpResponse:
    """Logout: the portal session always, and the SPID session at the IdP when it offers Single Logout
    (a signed LogoutRequest; the IdP's LogoutResponse comes back to sls)."""
    sessione = request.session.get(CHIAVE_SESSIONE)
    if request.session.session_key:
        SessioneIdp.objects.filter(session_key=request.session.session_key).delete()
    logout(request)
    destinazione = reverse("home")
    if not sessione:
        return redirect(destinazione)
    cli = saml.client()
    try:
        sls_idp = cli.metadata.single_logout_service(sessione["idp"], BINDING_HTTP_REDIRECT, "idpsso")
        luogo = sls_idp[0]["location"]
    except (
        UnsupportedBinding,
        UnknownSystemEntity,
        IndexError,
        KeyError,
    ):  # no SLO at this IdP (CIE ID has none), or it left the registry
        return redirect(destinazione)
    id_richiesta, richiesta = cli.create_logout_request(
        luogo,
        sessione["idp"],
        name_id=NameID(
            text=sessione["name_id"],
            format=NAMEID_FORMAT_TRANSIENT,
            name_qualifier=sessione["name_qualifier"],
        ),
        session_indexes=[sessione["session_index"]] if sessione.get("session_index") else None,
        sign=False,
    )
    # SPID asks the Issuer with its Format and NameQualifier, as in the AuthnRequest.
    richiesta.issuer = Issuer(
        text=settings.SPID_ENTITY_ID, format=NAMEID_FORMAT_ENTITY, name_qualifier=settings.SPID_ENTITY_ID
    )
    info = cli.apply_binding(
        BINDING_HTTP_REDIRECT, str(richiesta), luogo, relay_state="/", sign=True, sigalg=SIG_RSA_SHA256
    )
    # A page with a link, not a redirect: the logout form's CSP (form-action 'self') would block it.
    risposta = render(
        request,
        "spid/prosegui.html",
        {
            "titolo": _("Sei uscito dal portale"),
            "messaggio": _(
                "Per chiudere anche la sessione SPID presso il tuo gestore di identità, prosegui."
            ),
            "etichetta": _("Esci anche da SPID"),
            "url": dict(info["headers"])["Location"],
        },
    )
    # The IdP's LogoutResponse must answer this very request: its id waits in a signed cookie.
    sicuro = request.is_secure()
    risposta.set_cookie(
        COOKIE_USCITA,
        signing.dumps({"id": id_richiesta, "idp": sessione["idp"]}, salt=SALE_USCITA),
        max_age=VALIDITA_RICHIESTA,
        secure=sicuro,
        httponly=True,
        samesite="None" if sicuro else "Lax",
        path=reverse("spid:sls"),
    )
    return risposta


def _esito_uscita(request: HttpRequest, titolo: str, messaggio: str, status: int = 200) -> HttpResponse:
    risposta = render(request, "spid/uscita.html", {"titolo": titolo, "messaggio": messaggio}, status=status)
    if status == 200:
        # Only an answer that was handled ends the wait: a forged message must not cancel a real logout.
        risposta.delete_cookie(COOKIE_USCITA, path=reverse("spid:sls"))
    return risposta


@csrf_exempt  # the identity provider sends here (HTTP-Redirect or HTTP-POST); every message is signed
@require_http_methods(["GET", "POST"])
@richiede_spid
def sls(request: HttpRequest) -> HttpResponse:
    """Single Logout Service: the IdP's LogoutResponse to our LogoutRequest (sent by esci), or a
    LogoutRequest of the IdP (the person logged out at another service): then the portal sessions of that
    IdP session end and the IdP gets a signed LogoutResponse."""
    parametri = request.GET if request.method == "GET" else request.POST
    try:
        messaggio = slo.leggi_messaggio_logout(
            request.method or "GET", parametri, request.META.get("QUERY_STRING", "")
        )
    except saml.RispostaNonValida as exc:
        log.warning("spid_logout_invalid detail=%s ip=%s", exc, request.META.get("REMOTE_ADDR"))
        return _esito_uscita(
            request,
            _("Uscita da SPID non riuscita"),
            _("Il messaggio del gestore di identità non è valido. Per sicurezza chiudi il browser."),
            status=400,
        )
    if messaggio.tipo == "LogoutResponse":
        try:
            attesa = signing.loads(
                request.COOKIES[COOKIE_USCITA], salt=SALE_USCITA, max_age=VALIDITA_RICHIESTA
            )
        except (KeyError, signing.BadSignature):
            attesa = None
        if attesa is None or (attesa["id"], attesa["idp"]) != (messaggio.in_response_to, messaggio.emittente):
            log.warning("spid_logout_unexpected_response idp=%s", messaggio.emittente)
            return _esito_uscita(
                request,
                _("Uscita da SPID non riuscita"),
                _(
                    "Questa risposta non corrisponde a una tua richiesta di uscita. Per sicurezza chiudi il "
                    "browser."
                ),
                status=400,
            )
        if request.user.is_authenticated:
            logout(request)
        if not messaggio.riuscito:
            return _esito_uscita(
                request,
                _("Sei uscito dal portale"),
                _(
                    "Il gestore di identità non ha confermato la chiusura della sessione SPID: per sicurezza "
                    "chiudi il browser."
                ),
            )
        log.info("spid_logout idp=%s", messaggio.emittente)
        return _esito_uscita(request, _("Sei uscito"), _("Sei uscito dal portale e da SPID."))

    # A LogoutRequest from the IdP: end the portal sessions of that IdP session, then answer it.
    chiuse = _chiudi_sessioni_idp(messaggio.emittente, messaggio.name_id) if messaggio.name_id else 0
    corrente = request.session.get(CHIAVE_SESSIONE) or {}
    if request.user.is_authenticated and (corrente.get("idp"), corrente.get("name_id")) == (
        messaggio.emittente,
        messaggio.name_id,
    ):
        logout(request)
        chiuse += 1
    log.info("spid_logout_from_idp idp=%s sessions=%s", messaggio.emittente, chiuse)
    try:
        indirizzo = slo.risposta_al_logout(messaggio, riuscito=bool(messaggio.name_id))
    except (UnsupportedBinding, UnknownSystemEntity, IndexError, KeyError):
        return _esito_uscita(request, _("Sei uscito"), _("Sei uscito dal portale."))
    return HttpResponseRedirect(indirizzo)
