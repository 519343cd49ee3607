"""The partnership network: organisations and their contact people (agreements and partnerships follow)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from distretti.models import Comune, StatoIncarico


class AreaS3(models.Model):
    """An S3 / Clust-ER area of the Emilia-Romagna Smart Specialisation Strategy (editable data)."""

    nome = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    prioritaria = models.BooleanField(
        _("area prioritaria S3"), default=True, help_text=_("Conta negli indicatori di allineamento S3.")
    )
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("area S3 / Clust-ER")
        verbose_name_plural = _("aree S3 / Clust-ER")

    def __str__(self) -> str:
        return self.nome


class Organizzazione(models.Model):
    """A partner or host organisation. Schools are not here: they are distretti.Scuola."""

    class Tipo(models.TextChoices):
        IMPRESA = "impresa", _("Impresa")
        ENTE_PUBBLICO = "ente_pubblico", _("Ente pubblico")
        ENTE_LOCALE = "ente_locale", _("Ente locale / Unione di comuni")
        TERZO_SETTORE = "terzo_settore", _("Terzo settore")
        FONDAZIONE_ITS = "fondazione_its", _("Fondazione ITS")
        LABORATORIO = "laboratorio", _("Laboratorio di ricerca industriale")
        STARTUP = "startup", _("Start-up innovativa")
        ASSOCIAZIONE_CATEGORIA = "associazione_categoria", _("Associazione di categoria")
        UNIVERSITA = "universita", _("Università")
        ENTE_FORMAZIONE = "ente_formazione", _("Ente di formazione")
        ALTRO = "altro", _("Altro")

    nome = models.CharField(_("nome"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=280, unique=True)
    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices, default=Tipo.IMPRESA)
    codice_fiscale = models.CharField(
        _("codice fiscale / partita IVA"),
        max_length=16,
        blank=True,
        help_text=_("Validato con python-stdnum."),
    )
    codice_ateco = models.CharField(_("codice ATECO"), max_length=10, blank=True)
    aree_s3 = models.ManyToManyField(
        AreaS3, blank=True, related_name="organizzazioni", verbose_name=_("aree S3")
    )
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizzazioni",
        verbose_name=_("comune"),
        help_text=_("Vuoto se la sede è fuori dalla Città metropolitana."),
    )
    comune_esterno = models.CharField(_("comune (fuori Città metropolitana)"), max_length=100, blank=True)
    indirizzo = models.CharField(_("indirizzo"), max_length=255, blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    contatto_nome = models.CharField(_("persona di contatto"), max_length=150, blank=True)
    contatto_email = models.EmailField(_("e-mail di contatto"), blank=True)
    contatto_telefono = models.CharField(_("telefono di contatto"), max_length=40, blank=True)
    profilo = models.TextField(_("profilo pubblico"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organizzazioni/loghi/", blank=True)
    pubblica = models.BooleanField(
        _("visibile nell'elenco pubblico"), default=False, help_text=_("L'organizzazione ha acconsentito.")
    )
    partner_istituzionale = models.BooleanField(_("partner istituzionale"), default=False)
    ruolo_rete = models.TextField(_("ruolo nella rete"), blank=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~models.Q(codice_fiscale=""),
                name="organizzazione_cf_unico",
            ),
        ]
        indexes = [models.Index(fields=["tipo", "comune"], name="org_tipo_comune_idx")]

    def __str__(self) -> str:
        return self.nome

    def get_absolute_url(self) -> str:
        return reverse("partnership:organizzazione", kwargs={"slug": self.slug})


class ReferenteOrganizzazione(models.Model):
    """A user acting for an organisation (role "Referente organizzazione"), approved like Incarico."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referenze_organizzazione",
        verbose_name=_("utente"),
    )
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.CASCADE, related_name="referenti", verbose_name=_("organizzazione")
    )
    stato = models.CharField(
        _("stato"), max_length=20, choices=StatoIncarico.choices, default=StatoIncarico.RICHIESTO
    )
    richiesto_il = models.DateTimeField(_("richiesto il"), auto_now_add=True)
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referenze_decise",
        verbose_name=_("deciso da"),
    )
    deciso_il = models.DateTimeField(_("deciso il"), null=True, blank=True)
    nota = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["-richiesto_il"]
        verbose_name = _("referente di organizzazione")
        verbose_name_plural = _("referenti di organizzazione")
        constraints = [
            models.UniqueConstraint(
                fields=["utente", "organizzazione"], name="referente_organizzazione_unico"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utente} – {self.organizzazione}"
