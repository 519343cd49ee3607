"""The portal-wide job tables: the outbox of Celery messages the broker could not take
(alternanza.core.compiti.accoda) and the file imports run by workers (alternanza.core.importazioni)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alternanza.core.archivi import FilePrivato


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


class Importazione(models.Model):
    """One import of a file (organisations, …) run by a worker: the request that uploads returns at once.

    What each kind of import does is registered by its app (alternanza.core.importazioni.registra); the
    rows with errors are written to `file_errori` (CSV, all of them) and the first ANTEPRIMA_ERRORI are
    kept in `errori` for the result page. `file` is the uploaded file; an upload of several files at once
    (the school registry) keeps them all in FileImportazione instead, and one job imports them together.
    """

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", _("In coda")
        IN_CORSO = "in_corso", _("In corso")
        COMPLETATA = "completata", _("Completata")
        SCARTATA = "scartata", _("Completata senza scrivere nulla")
        ERRORE = "errore", _("Non riuscita")

    tipo = models.CharField(_("tipo"), max_length=40)
    stato = models.CharField(_("stato"), max_length=12, choices=Stato.choices, default=Stato.IN_CODA)
    file = FilePrivato(_("file caricato"), cartella="importazioni", blank=True)
    nome_file = models.CharField(_("nome del file"), max_length=255)
    opzioni = models.JSONField(_("opzioni"), default=dict, blank=True)
    richiesta_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesta da"), null=True, on_delete=models.SET_NULL
    )
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    avviata_il = models.DateTimeField(_("avviata il"), null=True, blank=True)
    finita_il = models.DateTimeField(_("finita il"), null=True, blank=True)
    progresso = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    righe = models.PositiveIntegerField(_("righe lette"), default=0)
    riepilogo = models.JSONField(_("riepilogo"), default=dict, blank=True)
    n_errori = models.PositiveIntegerField(_("righe con errori"), default=0)
    errori = models.JSONField(_("prime righe con errori"), default=list, blank=True)
    file_errori = FilePrivato(_("elenco degli errori (CSV)"), cartella="importazioni/errori", blank=True)
    messaggio = models.TextField(_("motivo"), blank=True)

    class Meta:
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-creata_il", "-pk"]

    def __str__(self) -> str:
        return f"{self.tipo}: {self.nome_file}"

    @property
    def finita(self) -> bool:
        return self.stato in (self.Stato.COMPLETATA, self.Stato.SCARTATA, self.Stato.ERRORE)

    def tutti_i_file(self) -> list[tuple[str, Any]]:
        """(name, file) of every uploaded file, in the order of the upload."""
        if self.file:
            return [(self.nome_file, self.file)]
        return [(f.nome_file, f.file) for f in self.files.all()]


class FileImportazione(models.Model):
    """One of the files of an import that took several at once (see Importazione)."""

    importazione = models.ForeignKey(
        Importazione, verbose_name=_("importazione"), on_delete=models.CASCADE, related_name="files"
    )
    file = FilePrivato(_("file caricato"), cartella="importazioni")
    nome_file = models.CharField(_("nome del file"), max_length=255)

    class Meta:
        verbose_name = _("file dell'importazione")
        verbose_name_plural = _("file delle importazioni")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.nome_file
