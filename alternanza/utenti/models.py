"""Records of the accounts area: sessions per user, invitations, security events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from distretti.models import Distretto, Incarico, Scuola
from partnership.models import Organizzazione


class TipoRuolo(models.TextChoices):
    """The roles a person can request or be invited to (Incarico.Ruolo plus organisation contact)."""

    REFERENTE_SCUOLA = Incarico.Ruolo.REFERENTE_SCUOLA.value, Incarico.Ruolo.REFERENTE_SCUOLA.label
    UFFICIO_DISTRETTO = Incarico.Ruolo.UFFICIO_DISTRETTO.value, Incarico.Ruolo.UFFICIO_DISTRETTO.label
    REFERENTE_ORGANIZZAZIONE = "organizzazione", _("Referente organizzazione")
    STAFF = Incarico.Ruolo.STAFF.value, Incarico.Ruolo.STAFF.label


class SessioneUtente(models.Model):
    """A login session of a user, so that staff (or a password/MFA change) can end all of them."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessioni_portale"
    )
    session_key = models.CharField(_("chiave di sessione"), max_length=40, unique=True)
    creata_il = models.DateTimeField(_("iniziata il"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-creata_il"]
        verbose_name = _("sessione")
        verbose_name_plural = _("sessioni")

    def __str__(self) -> str:
        return f"{self.utente} {self.creata_il:%Y-%m-%d %H:%M}"


class Invito(models.Model):
    """An invitation by e-mail with a pre-approved role; the link carries a signed, expiring id."""

    email = models.EmailField(_("e-mail"))
    ruolo = models.CharField(_("ruolo"), max_length=20, choices=TipoRuolo.choices)
    scuola = models.ForeignKey(
        Scuola, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("scuola")
    )
    distretto = models.ForeignKey(
        Distretto, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("distretto")
    )
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organizzazione")
    )
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="inviti_creati",
        verbose_name=_("invitato da"),
    )
    creato_da_nome = models.CharField(_("invitato da (nome)"), max_length=300, blank=True)
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    usato_il = models.DateTimeField(_("accettato il"), null=True, blank=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inviti_accettati",
        verbose_name=_("account creato"),
    )

    class Meta:
        ordering = ["-creato_il"]
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")

    def __str__(self) -> str:
        return f"{self.email} – {self.get_ruolo_display()}"


class EventoSicurezza(models.Model):
    """A login success/failure or a refused authorisation (also written to logger alternanza.security)."""

    class Tipo(models.TextChoices):
        ACCESSO = "accesso", _("Accesso riuscito")
        ACCESSO_FALLITO = "accesso_fallito", _("Accesso non riuscito")
        USCITA = "uscita", _("Uscita")
        NEGATO = "negato", _("Autorizzazione negata (403)")
        NON_TROVATO = "non_trovato", _("Oggetto fuori ambito (404)")
        SESSIONI_CHIUSE = "sessioni_chiuse", _("Sessioni chiuse")
        ACCOUNT_ELIMINATO = "account_eliminato", _("Account eliminato")

    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eventi_sicurezza",
        verbose_name=_("utente"),
    )
    identificativo = models.CharField(_("identificativo usato"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    percorso = models.CharField(_("percorso"), max_length=300, blank=True)
    dettaglio = models.CharField(_("dettaglio"), max_length=300, blank=True)
    creato_il = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-creato_il"]
        verbose_name = _("evento di sicurezza")
        verbose_name_plural = _("eventi di sicurezza")
        indexes = [models.Index(fields=["utente", "-creato_il"], name="evento_utente_idx")]

    def __str__(self) -> str:
        return f"{self.creato_il:%Y-%m-%d %H:%M} {self.get_tipo_display()} {self.identificativo}"


class Preferenze(models.Model):
    """A person's preferences: the language of the portal's e-mails to them.

    One row per user, created at signup from the language of the request and updated when the person
    switches language while logged in or on the profile page. Senders read it through the ORM path
    alternanza.core.email.LINGUA_UTENTE; a user without a row gets the portal's default language."""

    utente = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preferenze",
        verbose_name=_("utente"),
    )
    lingua = models.CharField(
        _("lingua delle e-mail"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("preferenze")
        verbose_name_plural = _("preferenze")

    def __str__(self) -> str:
        return f"{self.utente_id}: {self.lingua}"


class OrganizzazioneInAttesa(models.Model):
    """A new organisation named at signup, kept aside until its contact verifies the e-mail address: only
    then is the (private, unapproved) Organizzazione created with the role request (ruoli.conferma_email).
    An account that never verifies leaves no organisation in the network, only this row (gone with it)."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organizzazioni_in_attesa",
        verbose_name=_("utente"),
    )
    nome = models.CharField(_("nome"), max_length=255)
    codice_fiscale = models.CharField(_("codice fiscale o partita IVA"), max_length=20)
    comune = models.ForeignKey(
        "distretti.Comune", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("comune")
    )
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("nuova organizzazione in attesa di verifica dell'e-mail")
        verbose_name_plural = _("nuove organizzazioni in attesa di verifica dell'e-mail")

    def __str__(self) -> str:
        return self.nome
