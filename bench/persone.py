"""Logged-in personas for the benchmark: a user holding the role, and a session cookie value for wrk.

The session is written straight into the session store, as a login with a second factor would leave
it (so the MFA middleware lets staff and district offices through), without going through the login
form for every run.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model


def _utente(nome: str, **campi):
    utente, _ = get_user_model().objects.update_or_create(
        username=f"bench-{nome}", defaults={"email": f"bench-{nome}@example.org", "is_active": True, **campi}
    )
    return utente


def _con_incarico(nome: str, **incarico):
    from distretti.models import Incarico, StatoIncarico

    utente = _utente(nome, is_staff=incarico.get("ruolo") == Incarico.Ruolo.STAFF)
    Incarico.objects.get_or_create(utente=utente, stato=StatoIncarico.APPROVATO, **incarico)
    return utente


def utente_per(persona: str):
    """The bench user for `persona`: staff, ufficio (district office of the district with most schools),
    referente (coordinator of a school), referente_org (contact of an organisation), superuser."""
    from django.db.models import Count

    from distretti.models import Distretto, Incarico, Scuola

    if persona == "superuser":
        return _utente("superuser", is_staff=True, is_superuser=True)
    if persona == "staff":
        return _con_incarico("staff", ruolo=Incarico.Ruolo.STAFF)
    if persona == "ufficio":
        distretto = Distretto.objects.annotate(n=Count("comuni__scuole")).order_by("-n").first()
        return _con_incarico("ufficio", ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO, distretto=distretto)
    if persona == "referente":
        scuola = Scuola.objects.order_by("codice_meccanografico").first()
        if scuola is None:
            raise ValueError("no school in the bench database: load the demo data (carica_demo)")
        return _con_incarico("referente", ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola)
    if persona == "referente_org":
        from distretti.models import StatoIncarico
        from partnership.models import Organizzazione, ReferenteOrganizzazione

        utente = _utente("referente-org")
        organizzazione = Organizzazione.objects.order_by("pk").first()
        if organizzazione is None:
            raise ValueError("no organisation in the bench database: load the demo data (carica_demo)")
        ReferenteOrganizzazione.objects.get_or_create(
            utente=utente, organizzazione=organizzazione, defaults={"stato": StatoIncarico.APPROVATO}
        )
        return utente
    raise ValueError(f"unknown persona {persona!r} (see bench/persone.py)")


def cookie_di_sessione(utente) -> str:
    """A fresh logged-in session for `utente`; returns the session key (the value of the cookie)."""
    sessione = import_module(settings.SESSION_ENGINE).SessionStore()
    sessione[SESSION_KEY] = str(utente.pk)
    sessione[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    sessione[HASH_SESSION_KEY] = utente.get_session_auth_hash()
    sessione["portale_inizio_sessione"] = int(time.time())  # alternanza.utenti.sessioni.CHIAVE_INIZIO
    sessione["portale_mfa_ok"] = True  # alternanza.utenti.middleware.CHIAVE_MFA_OK
    sessione.create()
    return sessione.session_key
