"""GDPR: what the portal holds about a user (JSON export) and account deletion.

Rule for every app (see README of the accounts area in the lead's report): a record a user edited is
never deleted with the user. Point authorship foreign keys to the user model with on_delete=SET_NULL and
add a sibling CharField named `<field>_nome` (e.g. creato_da + creato_da_nome): when an account is
deleted, `conserva_nomi` writes the person's name into every such field that is still empty, so the record
keeps "who" as a name snapshot. tests/test_account_gdpr.py fails if a model points to the user with
CASCADE without being listed as the user's own personal data.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from alternanza.core.utenti import nome_leggibile

logger = logging.getLogger("alternanza.security")


def _e_storico(model) -> bool:
    """pghistory's event tables (and its context models) are the audit trail, not user data."""
    return model._meta.app_label == "pghistory" or any(
        base.__module__.startswith("pghistory") and base.__name__ == "Event" for base in model.__mro__
    )


def campi_verso_utente() -> list[tuple[type[models.Model], models.ForeignKey]]:
    """Every concrete foreign key to the user model, outside the audit trail."""
    utente = get_user_model()
    risultato = []
    for model in apps.get_models():
        if _e_storico(model) or model._meta.proxy or not model._meta.managed:
            continue
        for campo in model._meta.concrete_fields:
            if isinstance(campo, models.ForeignKey) and campo.related_model is utente:
                risultato.append((model, campo))
    return risultato


def conserva_nomi(utente: User) -> int:
    """Fill every `<fk>_nome` snapshot field still empty on records pointing to `utente`."""
    aggiornati = 0
    for model, campo in campi_verso_utente():
        nome_campo = f"{campo.name}_nome"
        istantanea = next((f for f in model._meta.concrete_fields if f.name == nome_campo), None)
        if istantanea is not None:
            aggiornati += model._default_manager.filter(**{campo.name: utente, nome_campo: ""}).update(
                **{nome_campo: nome_leggibile(utente, istantanea.max_length)}
            )
    return aggiornati


def _data(valore):
    return valore.isoformat() if valore else None


def esporta(utente: User) -> dict[str, Any]:
    """Everything the portal holds about the user, as JSON-serialisable data."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from alternanza.utenti.models import EventoSicurezza, Invito, Preferenze, SessioneUtente
    from distretti.models import Incarico
    from partnership.models import ReferenteOrganizzazione

    spiegati = {
        (Incarico, "utente"),
        (ReferenteOrganizzazione, "utente"),
        (EmailAddress, "user"),
        (Authenticator, "user"),
        (SessioneUtente, "utente"),
        (EventoSicurezza, "utente"),
        (Invito, "utente"),
        (Preferenze, "utente"),
    }
    dati: dict[str, Any] = {
        "generato_il": timezone.now().isoformat(),
        "account": {
            "id": utente.pk,
            "email": utente.email,
            "nome": utente.first_name,
            "cognome": utente.last_name,
            "registrato_il": _data(utente.date_joined),
            "ultimo_accesso": _data(utente.last_login),
            "attivo": utente.is_active,
            "lingua_email": Preferenze.objects.filter(utente=utente).values_list("lingua", flat=True).first(),
        },
        "indirizzi_email": [
            {"email": e.email, "verificato": e.verified, "principale": e.primary}
            for e in EmailAddress.objects.filter(user=utente)
        ],
        "ruoli": [
            {
                "ruolo": i.ruolo,
                "scuola": i.scuola.codice_meccanografico if i.scuola else None,
                "distretto": i.distretto.slug if i.distretto else None,
                "stato": i.stato,
                "richiesto_il": _data(i.richiesto_il),
                "deciso_il": _data(i.deciso_il),
                "nota": i.nota,
            }
            for i in Incarico.objects.filter(utente=utente).select_related("scuola", "distretto")
        ],
        "referente_organizzazioni": [
            {"organizzazione": r.organizzazione.nome, "stato": r.stato, "richiesto_il": _data(r.richiesto_il)}
            for r in ReferenteOrganizzazione.objects.filter(utente=utente).select_related("organizzazione")
        ],
        "verifica_in_due_passaggi": [
            {"tipo": a.type, "creato_il": _data(a.created_at), "ultimo_uso": _data(a.last_used_at)}
            for a in Authenticator.objects.filter(user=utente)
        ],
        "sessioni": [
            {"iniziata_il": _data(s.creata_il), "ip": s.ip, "browser": s.user_agent}
            for s in SessioneUtente.objects.filter(utente=utente)
        ],
        "registro_accessi": [
            {"quando": _data(e.creato_il), "evento": e.tipo, "ip": e.ip, "percorso": e.percorso}
            for e in EventoSicurezza.objects.filter(utente=utente)[:1000]
        ],
        "inviti_accettati": [
            {"ruolo": i.ruolo, "invitato_da": i.creato_da_nome, "accettato_il": _data(i.usato_il)}
            for i in Invito.objects.filter(utente=utente)
        ],
        "record_collegati": {},
    }
    for model, campo in campi_verso_utente():
        if (model, campo.name) in spiegati:
            continue
        ids = list(model._default_manager.filter(**{campo.name: utente}).values_list("pk", flat=True)[:10000])
        if ids:
            dati["record_collegati"][f"{model._meta.label}.{campo.name}"] = ids
    return dati


def elimina(utente: User) -> None:
    """Delete the account: personal data go, records the user edited stay with a name snapshot."""
    from alternanza.utenti.sessioni import chiudi_sessioni

    with transaction.atomic():
        conserva_nomi(utente)
        chiudi_sessioni(utente)
        pk = utente.pk
        utente.delete()
    logger.info("account %s deleted by its owner", pk)
