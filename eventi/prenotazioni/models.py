"""Bookings of Festival events made on the portal, without an account, and the messages to the booked.

Invariants (the services in eventi.prenotazioni.services keep them):
- a booking holds places only while it is CONFERMATA or OFFERTA (a freed place offered to the waiting
  list, for a limited time); DA_CONFERMARE holds nothing: the places are taken when the e-mail link is
  followed, and if none is left then the booking joins the waiting list (IN_ATTESA);
- a booking is for one date of the event (DataEvento): each date has the event's capacity and its own
  waiting list; DataEvento.posti_occupati is the sum of the places held on that date, changed only by
  one conditional UPDATE, so concurrent confirmations never take more than Evento.posti on a date;
- one active booking per e-mail address and event (prenotazione_email_unica), whatever the date;
- no personal data of students: a class booking stores the teacher and counts only.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from alternanza.core.vincoli import CampiDeiVincoli


class StatoPrenotazione(models.TextChoices):
    DA_CONFERMARE = "da_confermare", _("Da confermare")
    CONFERMATA = "confermata", _("Confermata")
    IN_ATTESA = "in_attesa", _("In lista d'attesa")
    OFFERTA = "offerta", _("Posto offerto dalla lista d'attesa")
    ANNULLATA = "annullata", _("Annullata")
    SCADUTA = "scaduta", _("Scaduta")


# States that hold places (counted in DataEvento.posti_occupati).
CON_POSTI = (StatoPrenotazione.CONFERMATA, StatoPrenotazione.OFFERTA)
# States of a booking still alive: the address cannot book the same event again.
ATTIVE = (
    StatoPrenotazione.DA_CONFERMARE,
    StatoPrenotazione.CONFERMATA,
    StatoPrenotazione.IN_ATTESA,
    StatoPrenotazione.OFFERTA,
)


class PrenotazioneQuerySet(models.QuerySet):
    def attive(self):
        return self.filter(stato__in=ATTIVE)

    def confermate(self):
        return self.filter(stato=StatoPrenotazione.CONFERMATA)

    def lista_attesa(self):
        """The waiting list, first come first served."""
        return self.filter(stato=StatoPrenotazione.IN_ATTESA).order_by("confermata_il", "pk")


class Prenotazione(CampiDeiVincoli, models.Model):
    """One booking: one adult, or a teacher with a class (counts of students and adults only)."""

    Stato = StatoPrenotazione

    evento = models.ForeignKey(
        "eventi.Evento", on_delete=models.CASCADE, related_name="prenotazioni", verbose_name=_("evento")
    )
    # PROTECT: a date with bookings is not deleted with them (eventi.date.BaseFormDate says so first).
    data = models.ForeignKey(
        "eventi.DataEvento", on_delete=models.PROTECT, related_name="prenotazioni", verbose_name=_("data")
    )
    stato = models.CharField(
        _("stato"), max_length=20, choices=StatoPrenotazione.choices, default=StatoPrenotazione.DA_CONFERMARE
    )
    nome = models.CharField(_("nome e cognome"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254)
    telefono = models.CharField(_("telefono"), max_length=30, blank=True)
    scuola = models.ForeignKey(
        "distretti.Scuola",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prenotazioni_eventi",
        verbose_name=_("scuola"),
    )
    classe = models.CharField(_("classe"), max_length=30, blank=True, help_text=_("Es. 3B."))
    studenti = models.PositiveSmallIntegerField(_("numero di studenti"), default=0)
    accompagnatori = models.PositiveSmallIntegerField(_("adulti accompagnatori"), default=0)
    # Places this booking asks for or holds: 1..n for an individual, students + adults for a class.
    posti = models.PositiveSmallIntegerField(_("posti"), default=1)
    lingua = models.CharField(_("lingua"), max_length=10, default="it")
    chiave = models.UUIDField(_("chiave"), default=uuid.uuid4, unique=True, editable=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    # Confirmation of the e-mail address: also the place in the waiting list.
    confermata_il = models.DateTimeField(_("confermata il"), null=True, blank=True)
    offerta_scade_il = models.DateTimeField(_("offerta valida fino al"), null=True, blank=True)
    annullata_il = models.DateTimeField(_("annullata il"), null=True, blank=True)
    promemoria_il = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)
    ingresso_il = models.DateTimeField(_("ingresso registrato il"), null=True, blank=True)

    objects = PrenotazioneQuerySet.as_manager()

    # prenotazione_email_unica is on an expression (Lower("email")): the booking service turns it into a
    # message at the e-mail field of the form (eventi.prenotazioni.services.richiedi).
    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "prenotazione_posti_positivi": "posti",
    }

    class Meta:
        ordering = ["creata_il", "pk"]
        verbose_name = _("prenotazione")
        verbose_name_plural = _("prenotazioni")
        constraints = [
            models.UniqueConstraint(
                "evento",
                Lower("email"),
                condition=Q(stato__in=ATTIVE),
                name="prenotazione_email_unica",
                violation_error_code="prenotazione_email_unica",
                violation_error_message=_(
                    "Con questo indirizzo c'è già una prenotazione per l'evento: usa il link "
                    "nell'e-mail che hai ricevuto per modificarla."
                ),
            ),
            models.CheckConstraint(
                condition=Q(posti__gte=1),
                name="prenotazione_posti_positivi",
                violation_error_code="prenotazione_posti_positivi",
                violation_error_message=_("Prenota almeno un posto."),
            ),
        ]
        indexes = [
            models.Index(fields=["evento", "stato"], name="prenotazione_evento_stato_idx"),
            models.Index(fields=["data", "stato"], name="prenotazione_data_stato_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nome} – {self.evento_id} ({self.posti})"

    @property
    def di_classe(self) -> bool:
        return self.scuola_id is not None or self.studenti > 0


class MessaggioPrenotati(models.Model):
    """A message from the organisers to everyone booked on an event, sent by a Celery task."""

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", _("In coda")
        INVIATO = "inviato", _("Inviato")

    evento = models.ForeignKey(
        "eventi.Evento", on_delete=models.CASCADE, related_name="messaggi_prenotati", verbose_name=_("evento")
    )
    oggetto = models.CharField(_("oggetto"), max_length=150)
    testo = models.TextField(_("testo"), max_length=5000)
    autore = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.IN_CODA)
    destinatari = models.PositiveIntegerField(_("destinatari"), default=0)
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    inviato_il = models.DateTimeField(_("inviato il"), null=True, blank=True)

    class Meta:
        ordering = ["-creato_il", "-pk"]
        verbose_name = _("messaggio ai prenotati")
        verbose_name_plural = _("messaggi ai prenotati")

    def __str__(self) -> str:
        return self.oggetto
