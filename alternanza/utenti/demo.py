"""Demo users, one per persona of the test suite, with a known password (called by `carica_demo`).

Only with DEBUG on: accounts with a published password must never reach a real installation.
Staff and district offices are asked to set up MFA (an authenticator app) at their first login, as in
production. Idempotent: a second run leaves existing users alone.
"""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from distretti.models import Distretto, Incarico, Livello, Scuola, StatoIncarico
from partnership.models import Organizzazione, ReferenteOrganizzazione

PASSWORD_DEMO = "rete-demo-2026"  # noqa: S105 - published on purpose, demo (DEBUG) only
DOMINIO = "demo.example.org"


def _utente(nome_utente: str, nome: str, cognome: str, **extra):
    utente, creato = get_user_model().objects.get_or_create(
        username=nome_utente,
        defaults={"email": f"{nome_utente}@{DOMINIO}", "first_name": nome, "last_name": cognome, **extra},
    )
    if creato:
        utente.set_password(PASSWORD_DEMO)
        utente.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=utente, email=utente.email, defaults={"verified": True, "primary": True}
    )
    return utente


def _incarico(utente, ruolo, scuola=None, distretto=None):
    Incarico.objects.get_or_create(
        utente=utente,
        ruolo=ruolo,
        scuola=scuola,
        distretto=distretto,
        defaults={
            "stato": StatoIncarico.APPROVATO,
            "deciso_il": timezone.now(),
            "deciso_da_nome": "Dati dimostrativi",
        },
    )


def carica(scala: str, rng: random.Random) -> None:
    if not settings.DEBUG:
        print("alternanza.utenti.demo: utenti dimostrativi non creati (solo con DEBUG attivo).")
        return
    bologna = Distretto.objects.get(slug="bologna")
    imola = Distretto.objects.get(slug="imola")
    scuola_bo = (
        Scuola.objects.attive()
        .filter(comune__distretto=bologna, livello=Livello.SECONDO_GRADO)
        .order_by("codice_meccanografico")
        .first()
    )
    scuola_im = (
        Scuola.objects.attive()
        .filter(comune__distretto=imola, livello=Livello.SECONDO_GRADO)
        .order_by("codice_meccanografico")
        .first()
    )
    organizzazione = Organizzazione.objects.filter(demo=True).order_by("pk").first()

    _utente("admin", "Amministratore", "Demo", is_staff=True, is_superuser=True)
    _incarico(_utente("staff", "Silvia", "Staff", is_staff=True), Incarico.Ruolo.STAFF)
    _incarico(
        _utente("ufficio.bologna", "Paolo", "Ufficio Bologna"),
        Incarico.Ruolo.UFFICIO_DISTRETTO,
        distretto=bologna,
    )
    _incarico(
        _utente("ufficio.imola", "Laura", "Ufficio Imola"), Incarico.Ruolo.UFFICIO_DISTRETTO, distretto=imola
    )
    if scuola_bo:
        _incarico(
            _utente("referente.bologna", "Marco", "Docente"),
            Incarico.Ruolo.REFERENTE_SCUOLA,
            scuola=scuola_bo,
        )
    if scuola_im:
        _incarico(
            _utente("referente.imola", "Elena", "Docente"), Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_im
        )
    if organizzazione:
        ReferenteOrganizzazione.objects.get_or_create(
            utente=_utente("referente.organizzazione", "Luca", "Impresa"),
            organizzazione=organizzazione,
            defaults={"stato": StatoIncarico.APPROVATO, "deciso_il": timezone.now()},
        )
    # A pending request, so that the approval queue is not empty.
    if scuola_bo:
        richiedente = _utente("richiedente", "Giorgia", "In attesa")
        Incarico.objects.get_or_create(
            utente=richiedente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_bo, distretto=None
        )
    print(
        f"Utenti dimostrativi (password «{PASSWORD_DEMO}»): admin, staff, ufficio.bologna, ufficio.imola, "
        f"referente.bologna, referente.imola, referente.organizzazione, richiedente — tutti @{DOMINIO}. "
        "Staff e uffici configurano la verifica in due passaggi al primo accesso."
    )
