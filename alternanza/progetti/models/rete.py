"""Network actions (azioni di rete), technical assistance to districts, and the library of intervention
models that districts adopt from each other."""

from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alternanza.core.tipi import Utente
from alternanza.core.vincoli import CampiDeiVincoli
from alternanza.progetti.models.progetto import STATI_MODELLABILI, Progetto
from distretti.models import AmbitoTematico, Distretto
from distretti.permissions import ambito_di
from partnership.models import Organizzazione, Partnership


class AzioneQuerySet(models.QuerySet):
    def pubbliche(self):
        return self.filter(pubblica=True)

    def dei_distretti(self, distretti_ids) -> Self:
        """Actions that involve or are promoted by one of these districts."""
        coinvolti = self.model.distretti.through.objects.filter(distretto_id__in=distretti_ids)
        return self.filter(
            models.Q(pk__in=coinvolti.values("azionedirete_id"))
            | models.Q(promotore_distretto_id__in=distretti_ids)
        )

    def visibili_a(self, user: Utente) -> Self:
        """Staff see every action; district offices also their districts' unpublished ones."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        condizione = models.Q(pubblica=True)
        if ambito.distretti_ufficio:
            condizione |= models.Q(distretti__in=ambito.distretti_ufficio) | models.Q(
                promotore_distretto__in=ambito.distretti_ufficio
            )
            return self.filter(condizione).distinct()
        return self.filter(condizione)

    def modificabili_da(self, user: Utente) -> Self:
        """Staff edit every action; a district office the actions its district promotes."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.distretti_ufficio:
            return self.none()
        return self.filter(promotore_distretto__in=ambito.distretti_ufficio)


class AzioneDiRete(CampiDeiVincoli, models.Model):
    """An action of the network: of one district, across districts or metropolitan (from the seed)."""

    class Livello(models.TextChoices):
        DISTRETTUALE = "distrettuale", _("Azione di un singolo distretto")
        INTERDISTRETTUALE = "interdistrettuale", _("Azione interdistrettuale")
        METROPOLITANO = "metropolitano", _("Azione di interesse generale metropolitano")

    class Promotore(models.TextChoices):
        CITTA_METROPOLITANA = "citta_metropolitana", _("Città metropolitana")
        PARTNER = "partner", _("Un partner della rete")
        DISTRETTO = "distretto", _("Un distretto")

    class Stato(models.TextChoices):
        PROGRAMMATA = "programmata", _("Programmata")
        IN_CORSO = "in_corso", _("In corso")
        CONCLUSA = "conclusa", _("Conclusa")
        SOSPESA = "sospesa", _("Sospesa")

    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True)
    livello = models.CharField(_("livello"), max_length=20, choices=Livello.choices)
    distretti = models.ManyToManyField(
        Distretto, related_name="azioni_di_rete", blank=True, verbose_name=_("distretti coinvolti")
    )
    promotore = models.CharField(_("promotore"), max_length=30, choices=Promotore.choices)
    promotore_organizzazione = models.ForeignKey(
        Organizzazione,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="azioni_promosse",
        verbose_name=_("partner promotore"),
    )
    promotore_distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="azioni_promosse",
        verbose_name=_("distretto promotore"),
    )
    ambiti = models.ManyToManyField(
        AmbitoTematico, related_name="azioni_di_rete", blank=True, verbose_name=_("ambiti tematici")
    )
    data_inizio = models.DateField(_("data di inizio"), null=True, blank=True)
    data_fine = models.DateField(_("data di fine"), null=True, blank=True)
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.PROGRAMMATA)
    progetti = models.ManyToManyField(
        Progetto, related_name="azioni_di_rete", blank=True, verbose_name=_("progetti collegati")
    )
    partnership = models.ManyToManyField(
        Partnership, related_name="azioni_di_rete", blank=True, verbose_name=_("partnership collegate")
    )
    pubblica = models.BooleanField(_("visibile al pubblico"), default=True)
    creata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    objects = AzioneQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "azione_date_ordinate": "data_fine",
        "azione_promotore_distretto_indicato": "promotore_distretto",
        "azione_promotore_partner_indicato": "promotore_organizzazione",
    }

    class Meta:
        ordering = ["-data_inizio", "-id"]
        verbose_name = _("azione di rete")
        verbose_name_plural = _("azioni di rete")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(data_fine__isnull=True)
                | models.Q(data_inizio__isnull=True)
                | models.Q(data_fine__gte=models.F("data_inizio")),
                name="azione_date_ordinate",
                violation_error_code="azione_date_ordinate",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
            ),
            models.CheckConstraint(
                condition=~models.Q(promotore="distretto") | models.Q(promotore_distretto__isnull=False),
                name="azione_promotore_distretto_indicato",
                violation_error_code="azione_promotore_distretto_indicato",
                violation_error_message=_("Indica il distretto che promuove l'azione."),
            ),
            models.CheckConstraint(
                condition=~models.Q(promotore="partner") | models.Q(promotore_organizzazione__isnull=False),
                name="azione_promotore_partner_indicato",
                violation_error_code="azione_promotore_partner_indicato",
                violation_error_message=_("Indica l'organizzazione che promuove l'azione."),
            ),
        ]

    def __str__(self) -> str:
        return self.titolo

    def get_absolute_url(self) -> str:
        return reverse("progetti:azione", kwargs={"pk": self.pk})

    @property
    def promotore_nome(self) -> str:
        if self.promotore == self.Promotore.PARTNER and self.promotore_organizzazione_id:
            return str(self.promotore_organizzazione)
        if self.promotore == self.Promotore.DISTRETTO and self.promotore_distretto_id:
            return str(self.promotore_distretto)
        return str(self.get_promotore_display())

    def clean(self):
        errori = {}
        if self.promotore == self.Promotore.DISTRETTO and not self.promotore_distretto_id:
            errori["promotore_distretto"] = _("Indica il distretto che promuove l'azione.")
        if self.promotore == self.Promotore.PARTNER and not self.promotore_organizzazione_id:
            errori["promotore_organizzazione"] = _("Indica il partner che promuove l'azione.")
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            errori["data_fine"] = _("La data di fine precede la data di inizio.")
        if errori:
            raise ValidationError(errori)


class AssistenzaTecnica(CampiDeiVincoli, models.Model):
    """A technical-assistance intervention given to a district within a network action."""

    azione = models.ForeignKey(
        AzioneDiRete, on_delete=models.CASCADE, related_name="assistenze", verbose_name=_("azione di rete")
    )
    data = models.DateField(_("data"))
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        related_name="assistenze_ricevute",
        verbose_name=_("distretto assistito"),
    )
    tema = models.CharField(_("tema"), max_length=200)
    ore = models.DecimalField(_("ore"), max_digits=6, decimal_places=1, default=0)
    esito = models.TextField(_("esito"), blank=True)
    registrata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registrata_il = models.DateTimeField(auto_now_add=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "assistenza_ore_non_negative": "ore",
    }

    class Meta:
        ordering = ["-data", "-id"]
        verbose_name = _("assistenza tecnica")
        verbose_name_plural = _("assistenze tecniche")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ore__gte=0),
                name="assistenza_ore_non_negative",
                violation_error_code="assistenza_ore_non_negative",
                violation_error_message=_("Le ore non possono essere negative: indica 0 o più."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tema} – {self.distretto} ({self.data})"


class ModelloQuerySet(models.QuerySet):
    def pubblicati(self):
        return self.filter(pubblicato=True)

    def visibili_a(self, user: Utente) -> Self:
        """Published models; a district office also sees its district's models waiting for review, and
        whoever wrote one sees it while it waits."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        visibili = models.Q(pubblicato=True)
        if ambito.distretti_ufficio:
            visibili |= models.Q(distretto__in=ambito.distretti_ufficio)
        if user.is_authenticated:
            visibili |= models.Q(creato_da=user)
        return self.filter(visibili)

    def modificabili_da(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        return self.filter(distretto__in=ambito.distretti_ufficio)


class ModelloIntervento(models.Model):
    """A reusable intervention model written up from a published project or a network action."""

    titolo = models.CharField(_("titolo"), max_length=200)
    progetto = models.ForeignKey(
        Progetto,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modelli",
        verbose_name=_("progetto di origine"),
    )
    azione = models.ForeignKey(
        AzioneDiRete,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modelli",
        verbose_name=_("azione di origine"),
    )
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modelli_proposti",
        verbose_name=_("distretto di origine"),
    )
    ambiti = models.ManyToManyField(
        AmbitoTematico, related_name="modelli", blank=True, verbose_name=_("ambiti tematici")
    )
    contesto = models.TextField(_("contesto"))
    fasi = models.TextField(_("fasi"))
    partner_necessari = models.TextField(_("partner necessari"), blank=True)
    costi = models.TextField(_("costi"), blank=True)
    risultati = models.TextField(_("risultati"), blank=True)
    materiali = models.TextField(_("materiali"), blank=True)
    pubblicato = models.BooleanField(_("pubblicato nella biblioteca"), default=True)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creato_il = models.DateTimeField(auto_now_add=True)
    aggiornato_il = models.DateTimeField(auto_now=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    objects = ModelloQuerySet.as_manager()

    class Meta:
        ordering = ["titolo"]
        verbose_name = _("modello di intervento")
        verbose_name_plural = _("modelli di intervento")

    def __str__(self) -> str:
        return self.titolo

    def get_absolute_url(self) -> str:
        return reverse("progetti:modello", kwargs={"pk": self.pk})

    def clean(self):
        if not self.progetto_id and not self.azione_id:
            raise ValidationError(_("Un modello nasce da un progetto pubblicato o da un'azione di rete."))
        if self.progetto is not None and self.progetto.stato not in STATI_MODELLABILI:
            raise ValidationError({"progetto": _("Solo un progetto pubblicato può diventare un modello.")})


class AdozioneModello(CampiDeiVincoli, models.Model):
    """A district declaring it adopted a model ("adottato dal distretto X"), with its own notes."""

    modello = models.ForeignKey(ModelloIntervento, on_delete=models.CASCADE, related_name="adozioni")
    distretto = models.ForeignKey(
        Distretto, on_delete=models.PROTECT, related_name="adozioni_modelli", verbose_name=_("distretto")
    )
    note = models.TextField(_("note"), blank=True)
    data = models.DateField(_("data di adozione"))
    registrata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "adozione_modello_distretto_unica": "distretto",
    }

    class Meta:
        ordering = ["-data", "-id"]
        verbose_name = _("adozione di un modello")
        verbose_name_plural = _("adozioni di modelli")
        constraints = [
            models.UniqueConstraint(
                fields=["modello", "distretto"],
                name="adozione_modello_distretto_unica",
                violation_error_code="adozione_modello_distretto_unica",
                violation_error_message=_("Il distretto ha già adottato questo modello."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.modello} – {self.distretto}"
