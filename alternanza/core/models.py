"""The outbox of Celery messages that the broker could not take (see alternanza.core.compiti.accoda)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompitoInAttesa(models.Model):
    """A task message kept while the broker (Redis) was unreachable, sent by core.spedisci_in_attesa."""

    task = models.CharField(_("task"), max_length=200)
    argomenti = models.JSONField(_("argomenti posizionali"), default=list)
    argomenti_nominati = models.JSONField(_("argomenti nominati"), default=dict)
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    tentativi = models.PositiveSmallIntegerField(_("tentativi di invio"), default=0)

    class Meta:
        verbose_name = _("compito in attesa del broker")
        verbose_name_plural = _("compiti in attesa del broker")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task} ({self.creato_il:%Y-%m-%d %H:%M})"
