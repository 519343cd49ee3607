"""SPID/CIE identities linked to portal accounts, the identity providers offered, and the assertions
already consumed (replay protection: in the database, never in the fail-open cache)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def impronta_codice_fiscale(codice_fiscale: str) -> str:
    """HMAC-SHA256 (keyed by SECRET_KEY) of the normalised fiscal number: the portal can recognise a
    person again but never stores nor shows the number itself. SPID sends it as "TINIT-<code>"."""
    codice = codice_fiscale.strip().upper()
    if codice.startswith("TINIT-"):
        codice = codice[len("TINIT-") :]
    return hmac.new(str(settings.SECRET_KEY).encode(), codice.encode(), hashlib.sha256).hexdigest()


class ProviderSpid(models.Model):
    """An identity provider as published by the AgID registry (manage.py aggiorna_idp_spid)."""

    entity_id = models.CharField(_("entityID"), max_length=500, unique=True)
    nome = models.CharField(_("nome"), max_length=200)
    metadata = models.TextField(_("metadata SAML"))
    attivo = models.BooleanField(_("attivo"), default=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("identity provider SPID")
        verbose_name_plural = _("identity provider SPID")
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome


class IdentitaSpid(models.Model):
    """The digital identity (SPID or CIE) of one account, by the keyed digest of its fiscal number."""

    utente = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identita_spid"
    )
    impronta = models.CharField(_("impronta del codice fiscale"), max_length=64, unique=True)
    collegata_il = models.DateTimeField(_("collegata il"), auto_now_add=True)
    ultimo_accesso = models.DateTimeField(_("ultimo accesso"), null=True, blank=True)

    class Meta:
        verbose_name = _("identità SPID")
        verbose_name_plural = _("identità SPID")

    def __str__(self) -> str:
        return f"SPID – {self.utente}"


class AsserzioneUsata(models.Model):
    """An assertion ID already consumed: the same assertion posted again is refused. Rows are kept
    until the assertion would have expired anyway (scade_il) and then purged."""

    id_asserzione = models.CharField(max_length=200)
    emittente = models.CharField(max_length=500)
    scade_il = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["emittente", "id_asserzione"],
                name="spid_asserzione_unica",
                violation_error_code="spid_asserzione_unica",
                violation_error_message=_("Questa risposta di accesso SPID è già stata usata."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.emittente} {self.id_asserzione}"


class SessioneIdp(models.Model):
    """A portal session opened by a SPID/CIE login, by the IdP's NameID: a LogoutRequest from the IdP
    (Single Logout started elsewhere) names the person only by that NameID, and may come by a cross-site
    POST that carries no session cookie. Rows go with the logout, or after SESSION_ABSOLUTE_TIMEOUT."""

    session_key = models.CharField(max_length=40, unique=True)
    emittente = models.CharField(max_length=500)
    name_id = models.CharField(max_length=500)
    creata_il = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["emittente", "name_id"], name="spid_sessione_idp_nameid")]

    def __str__(self) -> str:
        return f"{self.emittente} {self.name_id}"
