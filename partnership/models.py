"""The partnership network: organisations and their contact people (agreements and partnerships follow)."""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alternanza.core.archivi import FilePrivato
from alternanza.core.nomi import normalizza_nome
from alternanza.core.url import slug_unico
from alternanza.core.vincoli import CampiDeiVincoli
from distretti.models import AmbitoTematico, Comune, Distretto, Livello, Scuola, StatoIncarico
from partnership.querysets import (
    AccordoQuerySet,
    ConvenzioneQuerySet,
    InteresseQuerySet,
    OffertaQuerySet,
    OrganizzazioneQuerySet,
    PartnershipQuerySet,
)
from partnership.validatori import (
    normalizza_ateco,
    normalizza_codice_fiscale,
    sezione_ateco,
    valida_ateco,
    valida_codice_fiscale,
    valida_pdf,
)


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


# Audit trail of what people wrote: the search vector PostgreSQL derives from the name is not history.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["vettore_nome"]
)
class Organizzazione(CampiDeiVincoli, models.Model):
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
    # Kept on save (alternanza.core.nomi): what the searches and the duplicate check compare.
    nome_normalizzato = models.CharField(_("nome normalizzato"), max_length=255, editable=False, default="")
    # The Italian vector of the normal form, computed by PostgreSQL (a generated column: nothing to keep in
    # step): a search rechecking a thousand names reads it instead of computing each one again.
    vettore_nome = models.GeneratedField(
        expression=SearchVector("nome_normalizzato", config="italian"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    slug = models.SlugField(_("slug"), max_length=280, unique=True)
    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices, default=Tipo.IMPRESA)
    codice_fiscale = models.CharField(
        _("codice fiscale / partita IVA"),
        max_length=16,
        blank=True,
        validators=[valida_codice_fiscale],
        help_text=_("Partita IVA (11 cifre) o codice fiscale (16 caratteri)."),
    )
    codice_ateco = models.CharField(
        _("codice ATECO"), max_length=10, blank=True, validators=[valida_ateco], help_text=_("Es. 62.10.00")
    )
    # Derived from codice_ateco on save: the section letter the filters use without parsing codes.
    sezione_ateco = models.CharField(_("sezione ATECO"), max_length=1, blank=True, editable=False)
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
    # Proposed by a school coordinator who did not find it: usable at once in that school's own forms,
    # confirmed, corrected or merged by the district office (partnership.services).
    da_verificare = models.BooleanField(_("da verificare"), default=False)
    proposta_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizzazioni_proposte",
        verbose_name=_("proposta da"),
    )
    proposta_da_scuola = models.ForeignKey(
        Scuola,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizzazioni_proposte",
        verbose_name=_("proposta dalla scuola"),
    )
    verificata_il = models.DateTimeField(_("verificata il"), null=True, blank=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = OrganizzazioneQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "organizzazione_cf_unico": "codice_fiscale",
    }

    class Meta:
        ordering = ["nome"]
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~models.Q(codice_fiscale=""),
                name="organizzazione_cf_unico",
                violation_error_code="organizzazione_cf_unico",
                violation_error_message=_(
                    "Esiste già un'organizzazione con questo codice fiscale o partita IVA."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["tipo", "comune"], name="org_tipo_comune_idx"),
            models.Index(fields=["sezione_ateco"], name="org_sezione_ateco_idx"),
            models.Index(fields=["nome_normalizzato"], name="org_nome_normalizzato_idx"),
            # Typos and parts of words (pg_trgm), and Italian word forms (full text) over the normal form.
            GinIndex(OpClass("nome_normalizzato", name="gin_trgm_ops"), name="org_nome_trgm_gin"),
            GinIndex(fields=["vettore_nome"], name="org_nome_fts_gin"),
            models.Index(
                fields=["proposta_da_scuola"],
                condition=models.Q(da_verificare=True),
                name="org_da_verificare_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.nome

    def save(self, *args, **kwargs):
        self.nome_normalizzato = normalizza_nome(self.nome)
        if kwargs.get("update_fields") is not None and "nome" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "nome_normalizzato"}
        self.codice_fiscale = normalizza_codice_fiscale(self.codice_fiscale)
        self.codice_ateco = normalizza_ateco(self.codice_ateco)
        self.sezione_ateco = sezione_ateco(self.codice_ateco)
        if not self.slug:
            self.slug = slug_unico(Organizzazione.objects.all(), self.nome, predefinito="organizzazione")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnership:organizzazione", kwargs={"slug": self.slug})


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())  # audit trail
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
                fields=["utente", "organizzazione"],
                name="referente_organizzazione_unico",
                violation_error_code="referente_organizzazione_unico",
                violation_error_message=_(
                    "Questa persona è già referente dell'organizzazione, o ha già chiesto di esserlo."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utente} – {self.organizzazione}"


# --- Agreements -----------------------------------------------------------------------------------


class Accordo(CampiDeiVincoli, models.Model):
    """An agreement of the network (accordo attuativo, protocollo d'intesa, convenzione quadro)."""

    class Tipo(models.TextChoices):
        ACCORDO_ATTUATIVO = "accordo_attuativo", _("Accordo attuativo")
        PROTOCOLLO = "protocollo_intesa", _("Protocollo d'intesa")
        CONVENZIONE = "convenzione", _("Convenzione")

    class Stato(models.TextChoices):
        IN_DEFINIZIONE = "in_definizione", _("In definizione")
        FIRMATO = "firmato", _("Firmato")
        SCADUTO = "scaduto", _("Scaduto")
        RINNOVATO = "rinnovato", _("Rinnovato")

    titolo = models.CharField(_("titolo"), max_length=255)
    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices, default=Tipo.ACCORDO_ATTUATIVO)
    organizzazioni = models.ManyToManyField(
        Organizzazione, blank=True, related_name="accordi", verbose_name=_("organizzazioni firmatarie")
    )
    distretti = models.ManyToManyField(
        Distretto, blank=True, related_name="accordi", verbose_name=_("distretti firmatari")
    )
    scuole = models.ManyToManyField(
        Scuola, blank=True, related_name="accordi", verbose_name=_("scuole firmatarie")
    )
    data_firma = models.DateField(_("data di firma"), null=True, blank=True)
    valido_dal = models.DateField(_("valido dal"), null=True, blank=True)
    valido_al = models.DateField(_("valido fino al"), null=True, blank=True)
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.IN_DEFINIZIONE)
    note = models.TextField(_("note"), blank=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = AccordoQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "accordo_validita_ordinata": "valido_al",
    }

    class Meta:
        ordering = ["-data_firma", "titolo"]
        verbose_name = _("accordo")
        verbose_name_plural = _("accordi")
        constraints = [
            models.CheckConstraint(
                name="accordo_validita_ordinata",
                violation_error_code="accordo_validita_ordinata",
                violation_error_message=_("La fine della validità non può precedere l'inizio."),
                condition=models.Q(valido_al__isnull=True)
                | models.Q(valido_dal__isnull=True)
                | models.Q(valido_al__gte=models.F("valido_dal")),
            ),
        ]
        indexes = [models.Index(fields=["stato", "tipo"], name="accordo_stato_tipo_idx")]

    def __str__(self) -> str:
        return self.titolo

    def get_absolute_url(self) -> str:
        return reverse("partnership:accordo", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.valido_dal and self.valido_al and self.valido_al < self.valido_dal:
            raise ValidationError({"valido_al": _("La fine della validità precede il suo inizio.")})
        if self.stato == self.Stato.FIRMATO and not self.data_firma:
            raise ValidationError({"data_firma": _("Un accordo firmato ha una data di firma.")})


class DocumentoAccordo(models.Model):
    """A PDF attached to an agreement (signed text, annexes)."""

    accordo = models.ForeignKey(Accordo, on_delete=models.CASCADE, related_name="documenti")
    titolo = models.CharField(_("titolo"), max_length=255)
    file = FilePrivato(_("file PDF"), cartella="accordi", campo_nome="nome_file", validators=[valida_pdf])
    nome_file = models.CharField(_("nome del file caricato"), max_length=255, blank=True, editable=False)
    caricato_il = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        ordering = ["caricato_il"]
        verbose_name = _("documento dell'accordo")
        verbose_name_plural = _("documenti dell'accordo")

    def __str__(self) -> str:
        return self.titolo


class Convenzione(CampiDeiVincoli, models.Model):
    """The convenzione between a school and a host organisation that every placement needs.

    Signed outside the portal; the signed PDF is uploaded. Since the 2023 rules it carries a section on
    the host's risk assessment (DVR). Both sides and the district office are reminded before expiry.
    """

    scuola = models.ForeignKey(Scuola, on_delete=models.PROTECT, related_name="convenzioni")
    organizzazione = models.ForeignKey(Organizzazione, on_delete=models.PROTECT, related_name="convenzioni")
    numero = models.CharField(_("numero / protocollo"), max_length=60, blank=True)
    data_firma = models.DateField(_("data di firma"), null=True, blank=True)
    scadenza = models.DateField(_("scadenza"))
    pdf_firmato = FilePrivato(
        _("convenzione firmata (PDF)"),
        cartella="convenzioni",
        campo_nome="pdf_firmato_nome",
        blank=True,
        validators=[valida_pdf],
    )
    pdf_firmato_nome = models.CharField(max_length=255, blank=True, editable=False)
    sezione_dvr = models.TextField(
        _("sezione valutazione dei rischi (DVR)"),
        blank=True,
        help_text=_("Rischi specifici dell'ambiente di lavoro, misure di prevenzione, DPI, formazione."),
    )
    dvr_allegato = FilePrivato(
        _("estratto del DVR (PDF)"),
        cartella="convenzioni",
        campo_nome="dvr_allegato_nome",
        blank=True,
        validators=[valida_pdf],
    )
    dvr_allegato_nome = models.CharField(max_length=255, blank=True, editable=False)
    patto_formativo = FilePrivato(
        _("modello di patto formativo (PDF)"),
        cartella="convenzioni",
        campo_nome="patto_formativo_nome",
        blank=True,
        validators=[valida_pdf],
    )
    patto_formativo_nome = models.CharField(max_length=255, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    promemoria_inviato_il = models.DateTimeField(
        _("promemoria di scadenza inviato il"), null=True, blank=True
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = ConvenzioneQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "convenzione_scadenza_dopo_firma": "scadenza",
    }

    class Meta:
        ordering = ["scadenza"]
        verbose_name = _("convenzione scuola–organizzazione")
        verbose_name_plural = _("convenzioni scuola–organizzazione")
        constraints = [
            models.CheckConstraint(
                name="convenzione_scadenza_dopo_firma",
                violation_error_code="convenzione_scadenza_dopo_firma",
                violation_error_message=_("La scadenza non può precedere la data della firma."),
                condition=models.Q(data_firma__isnull=True) | models.Q(scadenza__gte=models.F("data_firma")),
            ),
        ]
        indexes = [models.Index(fields=["scadenza"], name="convenzione_scadenza_idx")]

    def __str__(self) -> str:
        return f"{self.scuola.denominazione} – {self.organizzazione.nome}"

    def get_absolute_url(self) -> str:
        return reverse("partnership:convenzione", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.data_firma and self.scadenza and self.scadenza < self.data_firma:
            raise ValidationError({"scadenza": _("La scadenza precede la data di firma.")})

    @property
    def scaduta(self) -> bool:
        from django.utils import timezone

        return self.scadenza < timezone.localdate()


# --- Partnerships ---------------------------------------------------------------------------------


class Partnership(CampiDeiVincoli, models.Model):
    """Schools and organisations working together in one, several or all districts."""

    class Livello(models.TextChoices):
        DISTRETTUALE = "distrettuale", _("Distrettuale")
        INTERDISTRETTUALE = "interdistrettuale", _("Interdistrettuale")
        METROPOLITANO = "metropolitano", _("Metropolitano")

    class Stato(models.TextChoices):
        PROPOSTA = "proposta", _("Proposta")
        ATTIVA = "attiva", _("Attiva")
        CONCLUSA = "conclusa", _("Conclusa")

    class Promotore(models.TextChoices):
        SCUOLA = "scuola", _("Una scuola")
        DISTRETTO = "distretto", _("Un distretto")
        CITTA_METROPOLITANA = "citta_metropolitana", _("La Città metropolitana")
        PARTNER = "partner", _("Un partner")

    titolo = models.CharField(_("titolo"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=280, unique=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    scuole = models.ManyToManyField(Scuola, blank=True, related_name="partnership", verbose_name=_("scuole"))
    organizzazioni = models.ManyToManyField(
        Organizzazione, blank=True, related_name="partnership", verbose_name=_("organizzazioni")
    )
    distretti = models.ManyToManyField(
        Distretto, blank=True, related_name="partnership", verbose_name=_("distretti coinvolti")
    )
    livello = models.CharField(
        _("livello"), max_length=20, choices=Livello.choices, default=Livello.DISTRETTUALE
    )
    ambiti = models.ManyToManyField(
        AmbitoTematico, blank=True, related_name="partnership", verbose_name=_("ambiti tematici")
    )
    data_inizio = models.DateField(_("inizio"), null=True, blank=True)
    data_fine = models.DateField(_("fine"), null=True, blank=True)
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.PROPOSTA)
    promossa_da = models.CharField(
        _("promossa da"), max_length=30, choices=Promotore.choices, default=Promotore.SCUOLA
    )
    promotore_scuola = models.ForeignKey(
        Scuola,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scuola promotrice"),
    )
    promotore_distretto = models.ForeignKey(
        Distretto,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("distretto promotore"),
    )
    promotore_organizzazione = models.ForeignKey(
        Organizzazione,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner promotore"),
    )
    pubblicata = models.BooleanField(_("pubblicata"), default=False)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "partnership_periodo_ordinato": "data_fine",
    }

    class Meta:
        ordering = ["-data_inizio", "titolo"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnership")
        constraints = [
            models.CheckConstraint(
                name="partnership_periodo_ordinato",
                violation_error_code="partnership_periodo_ordinato",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
                condition=models.Q(data_fine__isnull=True)
                | models.Q(data_inizio__isnull=True)
                | models.Q(data_fine__gte=models.F("data_inizio")),
            ),
        ]
        indexes = [models.Index(fields=["stato", "livello"], name="partnership_stato_livello_idx")]

    def __str__(self) -> str:
        return self.titolo

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_unico(Partnership.objects.all(), self.titolo, predefinito="partnership")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnership:partnership", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError({"data_fine": _("La fine precede l'inizio.")})


# --- Offers of placements -------------------------------------------------------------------------


class OffertaOspitalita(CampiDeiVincoli, models.Model):
    """An organisation's offer of alternation placements, which schools search and answer.

    Accepted expressions of interest take its places; it is open to new interest while it is active,
    its deadline has not passed and places are left (`partnership.services.verifica_aperta`, the one
    place that says so, under a row lock).
    """

    class Modalita(models.TextChoices):
        PRESENZA = "presenza", _("In presenza")
        DISTANZA = "distanza", _("A distanza")
        MISTA = "mista", _("Mista")

    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.CASCADE, related_name="offerte", verbose_name=_("organizzazione")
    )
    titolo = models.CharField(_("titolo"), max_length=255)
    descrizione = models.TextField(_("descrizione"), blank=True)
    posti = models.PositiveSmallIntegerField(_("posti disponibili"), default=1)
    data_inizio = models.DateField(_("dal"))
    data_fine = models.DateField(_("al"))
    area_s3 = models.ForeignKey(
        AreaS3,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offerte",
        verbose_name=_("area S3"),
    )
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offerte_ospitalita",
        verbose_name=_("comune"),
    )
    requisiti = models.TextField(_("requisiti"), blank=True)
    livelli = ArrayField(
        models.CharField(max_length=20, choices=Livello.choices),
        verbose_name=_("livelli scolastici"),
        blank=True,
        default=list,
        help_text=_("Vuoto: adatta a ogni livello."),
    )
    indirizzi = models.CharField(
        _("indirizzi di studio"),
        max_length=255,
        blank=True,
        help_text=_("Es. meccanica, informatica, grafica."),
    )
    classi = models.CharField(_("classi / anni"), max_length=60, blank=True, help_text=_("Es. 3ª e 4ª."))
    ore_settimanali = models.PositiveSmallIntegerField(_("ore settimanali"), null=True, blank=True)
    modalita = models.CharField(
        _("modalità"), max_length=10, choices=Modalita.choices, default=Modalita.PRESENZA
    )
    scadenza_candidature = models.DateField(
        _("scadenza per le manifestazioni di interesse"), null=True, blank=True
    )
    tutor_nome = models.CharField(_("tutor aziendale"), max_length=150, blank=True)
    tutor_email = models.EmailField(_("e-mail del tutor"), blank=True)
    sezione_ateco = models.CharField(
        _("settore ATECO"),
        max_length=1,
        blank=True,
        help_text=_("Vuoto: il settore dell'organizzazione."),
    )
    attiva = models.BooleanField(_("attiva"), default=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    creata_il = models.DateTimeField(_("creata il"), auto_now_add=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = OffertaQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "offerta_periodo_ordinato": "data_fine",
        "offerta_posti_positivi": "posti",
    }

    class Meta:
        ordering = ["data_inizio", "titolo"]
        verbose_name = _("offerta di ospitalità")
        verbose_name_plural = _("offerte di ospitalità")
        constraints = [
            models.CheckConstraint(
                name="offerta_periodo_ordinato",
                violation_error_code="offerta_periodo_ordinato",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
                condition=models.Q(data_fine__gte=models.F("data_inizio")),
            ),
            models.CheckConstraint(
                name="offerta_posti_positivi",
                violation_error_code="offerta_posti_positivi",
                violation_error_message=_("Indica almeno un posto disponibile."),
                condition=models.Q(posti__gte=1),
            ),
        ]
        indexes = [models.Index(fields=["attiva", "data_inizio"], name="offerta_attiva_inizio_idx")]

    def __str__(self) -> str:
        return f"{self.titolo} ({self.organizzazione.nome})"

    def save(self, *args, **kwargs):
        if not self.sezione_ateco and self.organizzazione_id:
            # The sector filter reads one column: the organisation's section unless the offer has one.
            self.sezione_ateco = (
                Organizzazione.objects.filter(pk=self.organizzazione_id)
                .values_list("sezione_ateco", flat=True)
                .first()
                or ""
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnership:offerta", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError({"data_fine": _("La fine precede l'inizio.")})


class InteresseOfferta(models.Model):
    """A school coordinator's expression of interest in an offer; the organisation accepts or declines it.

    Accepted interests take `studenti` places of the offer."""

    class Stato(models.TextChoices):
        IN_ATTESA = "in_attesa", _("In attesa di risposta")
        ACCETTATO = "accettato", _("Accettato")
        RIFIUTATO = "rifiutato", _("Non accolto")

    offerta = models.ForeignKey(OffertaOspitalita, on_delete=models.CASCADE, related_name="interessi")
    scuola = models.ForeignKey(Scuola, on_delete=models.CASCADE, related_name="interessi_offerte")
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="interessi_offerte"
    )
    studenti = models.PositiveSmallIntegerField(_("studenti interessati"), default=1)
    messaggio = models.TextField(_("messaggio"), blank=True)
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices, default=Stato.IN_ATTESA)
    nota_risposta = models.TextField(_("nota dell'organizzazione"), blank=True)
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interessi_decisi",
        verbose_name=_("deciso da"),
    )
    deciso_il = models.DateTimeField(_("deciso il"), null=True, blank=True)
    creato_il = models.DateTimeField(_("espresso il"), auto_now_add=True)

    objects = InteresseQuerySet.as_manager()

    class Meta:
        ordering = ["-creato_il"]
        verbose_name = _("manifestazione di interesse")
        verbose_name_plural = _("manifestazioni di interesse")
        constraints = [
            models.UniqueConstraint(
                fields=["offerta", "scuola"],
                name="interesse_unico_per_scuola",
                violation_error_code="interesse_unico_per_scuola",
                violation_error_message=_("La scuola ha già manifestato interesse per questa offerta."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scuola} → {self.offerta}"
