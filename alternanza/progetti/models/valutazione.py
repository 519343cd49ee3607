"""The host organisation's evaluation of a project, filled in from a mailed link (no account needed).

One row per host of a project (ProgettoOrganizzazione): created when the school asks for it, completed
by the host's tutor or contact. The link signs the row's random `chiave` (alternanza.progetti.valutazioni),
never its id; asking again draws a new `chiave`, so the older links stop working.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from alternanza.progetti.models.progetto import ProgettoOrganizzazione


class ValutazioneOspitante(models.Model):
    class Giudizio(models.IntegerChoices):
        MOLTO_POSITIVO = 4, _("Molto positivo")
        POSITIVO = 3, _("Positivo")
        IN_PARTE = 2, _("In parte positivo")
        NEGATIVO = 1, _("Negativo")

    partecipazione = models.OneToOneField(
        ProgettoOrganizzazione, on_delete=models.CASCADE, related_name="valutazione"
    )
    chiave = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    richiesta_a = models.EmailField(_("richiesta inviata a"))
    richiesta_il = models.DateTimeField(_("richiesta inviata il"))
    giudizio = models.PositiveSmallIntegerField(
        _("giudizio complessivo"), choices=Giudizio.choices, null=True, blank=True
    )
    testo = models.TextField(
        _("valutazione"),
        blank=True,
        help_text=_(
            "Com'è andata: cosa hanno imparato gli studenti, cosa ha funzionato, cosa cambiereste. "
            "Non scrivere nomi di studenti."
        ),
    )
    compilata_da = models.CharField(
        _("nome e ruolo di chi compila"), max_length=200, blank=True, help_text=_("Es. Marco Bianchi, tutor.")
    )
    compilata_il = models.DateTimeField(_("compilata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("valutazione dell'organizzazione ospitante")
        verbose_name_plural = _("valutazioni delle organizzazioni ospitanti")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(giudizio__isnull=True) | models.Q(giudizio__gte=1, giudizio__lte=4),
                name="valutazione_ospitante_giudizio_ammesso",
                violation_error_code="valutazione_ospitante_giudizio_ammesso",
                violation_error_message=_("Scegli uno dei giudizi proposti."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partecipazione}: {self.get_giudizio_display() or '—'}"
