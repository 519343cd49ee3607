"""Newsletter: subscribers with their consent history, issues and one delivery row per recipient.

The delivery row (Consegna) is the source of truth of what was sent: the sending engine (invio.py)
marks each claimed row sent right after the SMTP server accepted its message and before the next one
goes, so a crash can leave at most the message in flight in doubt.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.vincoli import CampiDeiVincoli
from distretti.models import AmbitoTematico, Distretto


class Pubblico(models.Model):
    """An audience a subscriber belongs to (schools, companies, families...), used for segmentation."""

    codice = models.SlugField(_("codice"), max_length=40, unique=True)
    nome = models.CharField(_("nome"), max_length=100)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("pubblico")
        verbose_name_plural = _("pubblici")

    def __str__(self) -> str:
        return self.nome


class StatoIscritto(models.TextChoices):
    IN_ATTESA = "in_attesa", _("in attesa di conferma")
    CONFERMATO = "confermato", _("confermato")
    DISISCRITTO = "disiscritto", _("disiscritto")


class FonteConsenso(models.TextChoices):
    MODULO = "modulo", _("modulo di iscrizione del portale")
    IMPORTAZIONE = "importazione", _("importazione con consenso documentato")
    DEMO = "demo", _("dato dimostrativo")


class IscrittoQuerySet(models.QuerySet):
    def confermati(self):
        """Confirmed and deliverable (an address paused after hard bounces gets nothing)."""
        return self.filter(stato=StatoIscritto.CONFERMATO, non_recapitabile_il__isnull=True)

    def per_email(self, email: str):
        return self.filter(email__iexact=(email or "").strip())

    def del_segmento(self, distretti=(), ambiti=(), pubblici=()):
        """Subscribers matching a segment. For each dimension the issue targets, a subscriber matches if
        they chose at least one of the targeted values or expressed no preference in that dimension
        (no preference means "everything")."""
        qs = self
        dimensioni = (
            (Iscritto.distretti.through, "distretto_id", distretti),
            (Iscritto.ambiti.through, "ambitotematico_id", ambiti),
            (Iscritto.pubblici.through, "pubblico_id", pubblici),
        )
        for through, campo, valori in dimensioni:
            valori = [getattr(v, "pk", v) for v in valori]
            if not valori:
                continue
            proprie = through.objects.filter(iscritto_id=OuterRef("pk"))
            qs = qs.filter(~Exists(proprie) | Exists(proprie.filter(**{f"{campo}__in": valori})))
        return qs


class Iscritto(CampiDeiVincoli, models.Model):
    """A newsletter subscriber: an e-mail address with interests and the consent it gave."""

    email = models.EmailField(_("e-mail"), max_length=254)
    # Secret of the personal links (confirm, preferences, unsubscribe); signed before use.
    chiave = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    distretti = models.ManyToManyField(Distretto, blank=True, verbose_name=_("distretti di interesse"))
    ambiti = models.ManyToManyField(AmbitoTematico, blank=True, verbose_name=_("ambiti tematici"))
    pubblici = models.ManyToManyField(Pubblico, blank=True, verbose_name=_("pubblico"))
    stato = models.CharField(
        _("stato"), max_length=12, choices=StatoIscritto.choices, default=StatoIscritto.IN_ATTESA
    )
    lingua = models.CharField(_("lingua"), max_length=8, default="it")
    consenso_versione = models.CharField(_("versione del testo di consenso"), max_length=40, blank=True)
    consenso_il = models.DateTimeField(_("consenso dato il"), null=True, blank=True)
    consenso_ip = models.GenericIPAddressField(_("IP del consenso"), null=True, blank=True)
    fonte = models.CharField(_("fonte"), max_length=14, choices=FonteConsenso.choices, default="modulo")
    importato_con_consenso = models.BooleanField(
        _("importato con consenso documentato"),
        default=False,
        help_text=_("L'indirizzo proviene da una lista esistente il cui consenso è documentato altrove."),
    )
    nota_consenso = models.TextField(_("nota sul consenso"), blank=True)
    creato_il = models.DateTimeField(_("creato il"), default=timezone.now)
    confermato_il = models.DateTimeField(_("confermato il"), null=True, blank=True)
    disiscritto_il = models.DateTimeField(_("disiscritto il"), null=True, blank=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    # Hard bounces in a row; at NEWSLETTER_BOUNCE_LIMIT the address is paused as undeliverable.
    rimbalzi = models.PositiveSmallIntegerField(_("rimbalzi permanenti"), default=0)
    non_recapitabile_il = models.DateTimeField(_("non recapitabile dal"), null=True, blank=True)
    motivo_pausa = models.TextField(_("motivo della pausa"), blank=True)

    objects = IscrittoQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "iscritto_email_unica": "email",
    }

    class Meta:
        ordering = ["email"]
        verbose_name = _("iscritto")
        verbose_name_plural = _("iscritti")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="iscritto_email_unica",
                violation_error_code="iscritto_email_unica",
                violation_error_message=_("Questo indirizzo e-mail è già iscritto alla newsletter."),
            ),
        ]
        indexes = [models.Index(fields=["stato"], name="iscritto_stato_idx")]

    def __str__(self) -> str:
        return self.email

    @property
    def confermato(self) -> bool:
        return self.stato == StatoIscritto.CONFERMATO


class AzioneConsenso(models.TextChoices):
    RICHIESTA = "richiesta", _("richiesta di iscrizione")
    CONFERMA = "conferma", _("conferma (double opt-in)")
    PREFERENZE = "preferenze", _("modifica delle preferenze")
    REVOCA = "revoca", _("revoca (disiscrizione)")
    IMPORTAZIONE = "importazione", _("importazione con consenso documentato")


class ConsensoRegistro(models.Model):
    """One consent event (request, confirmation, change, withdrawal): the proof of consent over time."""

    iscritto = models.ForeignKey(Iscritto, on_delete=models.CASCADE, related_name="consensi")
    azione = models.CharField(_("azione"), max_length=14, choices=AzioneConsenso.choices)
    il = models.DateTimeField(_("il"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    versione_testo = models.CharField(_("versione del testo"), max_length=40, blank=True)
    fonte = models.CharField(_("fonte"), max_length=40, blank=True)
    nota = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["il"]
        verbose_name = _("registro del consenso")
        verbose_name_plural = _("registro dei consensi")

    def __str__(self) -> str:
        return f"{self.get_azione_display()} {self.il:%Y-%m-%d %H:%M}"


class StatoNumero(models.TextChoices):
    BOZZA = "bozza", _("bozza")
    PROGRAMMATO = "programmato", _("programmato")
    IN_INVIO = "in_invio", _("in invio")
    IN_PAUSA = "in_pausa", _("in pausa")
    INVIATO = "inviato", _("inviato")
    # Stopped by staff: what went out stays sent, the rest is never sent.
    ANNULLATO = "annullato", _("annullato")
    # A batch failed for a reason retrying will not fix (bad data): the reason is in Numero.errore.
    ERRORE = "errore", _("errore")


class NumeroQuerySet(models.QuerySet):
    def inviati(self):
        return self.filter(stato=StatoNumero.INVIATO)


class Numero(CampiDeiVincoli, models.Model):
    """An issue of the newsletter: the staff's text plus automatic blocks chosen by date range."""

    oggetto = models.CharField(_("oggetto"), max_length=200)
    preheader = models.CharField(
        _("anteprima (preheader)"),
        max_length=200,
        blank=True,
        help_text=_("Breve testo che i programmi di posta mostrano accanto all'oggetto."),
    )
    corpo = models.TextField(
        _("testo"),
        blank=True,
        help_text=_(
            "Scrivi in Markdown: una riga vuota tra i paragrafi, **grassetto**, *corsivo*, "
            "«- » per gli elenchi, [testo del link](https://...), «## » per un titolo."
        ),
    )
    periodo_dal = models.DateField(_("blocchi automatici dal"), null=True, blank=True)
    periodo_al = models.DateField(_("blocchi automatici al"), null=True, blank=True)
    blocco_eventi = models.BooleanField(_("includi i prossimi eventi"), default=True)
    blocco_progetti = models.BooleanField(_("includi i progetti pubblicati di recente"), default=True)
    blocco_notizie = models.BooleanField(_("includi le notizie"), default=True)
    # Segment: empty = every confirmed subscriber.
    distretti = models.ManyToManyField(Distretto, blank=True, verbose_name=_("solo per i distretti"))
    ambiti = models.ManyToManyField(AmbitoTematico, blank=True, verbose_name=_("solo per gli ambiti"))
    pubblici = models.ManyToManyField(Pubblico, blank=True, verbose_name=_("solo per i pubblici"))
    stato = models.CharField(_("stato"), max_length=12, choices=StatoNumero.choices, default="bozza")
    programmato_per = models.DateTimeField(_("programmato per"), null=True, blank=True)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)
    avviato_il = models.DateTimeField(_("invio avviato il"), null=True, blank=True)
    inviato_il = models.DateTimeField(_("inviato il"), null=True, blank=True)
    totale_destinatari = models.PositiveIntegerField(_("destinatari"), default=0)
    # Last time riprendi_invii re-enqueued the pending batches of a send without progress.
    ripreso_il = models.DateTimeField(_("ripreso il"), null=True, blank=True, editable=False)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    errore = models.TextField(_("motivo dell'errore"), blank=True, editable=False)
    modello = models.BooleanField(
        _("modello"),
        default=False,
        help_text=_("Un modello compare tra i punti di partenza di un nuovo numero."),
    )

    objects = NumeroQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "numero_programmato_ha_data": "programmato_per",
    }

    class Meta:
        ordering = ["-inviato_il", "-creato_il"]
        verbose_name = _("numero della newsletter")
        verbose_name_plural = _("numeri della newsletter")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stato="programmato") | Q(programmato_per__isnull=False),
                name="numero_programmato_ha_data",
                violation_error_code="numero_programmato_ha_data",
                violation_error_message=_("Indica data e ora dell'invio programmato."),
            ),
        ]

    def __str__(self) -> str:
        return self.oggetto

    def get_absolute_url(self) -> str:
        return reverse("newsletter:archivio_numero", kwargs={"pk": self.pk})

    @property
    def modificabile(self) -> bool:
        return self.stato in (StatoNumero.BOZZA, StatoNumero.PROGRAMMATO)

    @property
    def annullabile(self) -> bool:
        return self.stato in (StatoNumero.PROGRAMMATO, StatoNumero.IN_INVIO, StatoNumero.IN_PAUSA)

    @property
    def corpo_html(self) -> str:
        """The body (Markdown, HTML allowed) as sanitised HTML."""
        from .testo import markdown_in_html

        return markdown_in_html(self.corpo)

    def destinatari(self):
        """The confirmed subscribers of this issue's segment."""
        return Iscritto.objects.confermati().del_segmento(
            distretti=list(self.distretti.values_list("pk", flat=True)),
            ambiti=list(self.ambiti.values_list("pk", flat=True)),
            pubblici=list(self.pubblici.values_list("pk", flat=True)),
        )

    def statistiche(self) -> dict:
        """Counts of the deliveries by state (one query)."""
        righe = dict(
            self.consegne.order_by().values("stato").annotate(n=Count("pk")).values_list("stato", "n")
        )
        inviate = righe.get(StatoConsegna.INVIATA, 0)
        fallite = righe.get(StatoConsegna.ERRORE_PERMANENTE, 0)
        fallite += righe.get(StatoConsegna.ERRORE_TEMPORANEO, 0)
        in_attesa = righe.get(StatoConsegna.IN_ATTESA, 0)
        saltate = righe.get(StatoConsegna.SALTATA, 0)
        rimbalzi = self.consegne.exclude(rimbalzo="").count()
        totale = sum(righe.values())
        fatte = totale - in_attesa
        return {
            "stato": self.stato,
            "stato_etichetta": str(self.get_stato_display()),
            "totale": totale,
            "inviate": inviate,
            "fallite": fallite,
            "in_attesa": in_attesa,
            "saltate": saltate,
            "percentuale": round(100 * fatte / totale) if totale else 0,
            "rimbalzi": rimbalzi,
            "errore": self.errore,
        }


class StatoConsegna(models.TextChoices):
    IN_ATTESA = "in_attesa", _("in attesa")
    INVIATA = "inviata", _("inviata")
    ERRORE_TEMPORANEO = "errore_temp", _("errore temporaneo")
    ERRORE_PERMANENTE = "errore_perm", _("errore permanente")
    # The subscriber left (or was deleted) between the creation of the row and its turn.
    SALTATA = "saltata", _("saltata (disiscritto)")


class Consegna(models.Model):
    """The delivery of one issue to one subscriber: the truth of what was sent."""

    numero = models.ForeignKey(Numero, on_delete=models.CASCADE, related_name="consegne")
    iscritto = models.ForeignKey(Iscritto, on_delete=models.CASCADE, related_name="consegne")
    stato = models.CharField(_("stato"), max_length=12, choices=StatoConsegna.choices, default="in_attesa")
    tentativi = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    inviata_il = models.DateTimeField(_("inviata il"), null=True, blank=True)
    errore = models.TextField(_("errore"), blank=True)
    # A bounce: "hard" (5xx at SMTP time, or a permanent DSN), "soft" (a temporary DSN).
    rimbalzo = models.CharField(_("rimbalzo"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("consegna")
        verbose_name_plural = _("consegne")
        constraints = [
            models.UniqueConstraint(
                fields=["numero", "iscritto"],
                name="consegna_unica_per_iscritto",
                violation_error_code="consegna_unica_per_iscritto",
                violation_error_message=_("Questo numero è già stato consegnato a questo iscritto."),
            ),
        ]
        indexes = [models.Index(fields=["numero", "stato"], name="consegna_numero_stato_idx")]

    def __str__(self) -> str:
        return f"{self.numero_id} → {self.iscritto_id} ({self.stato})"


def _percorso_immagine(istanza, nome: str) -> str:
    return f"newsletter/immagini/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{nome.rpartition('.')[2]}"


class Immagine(models.Model):
    """An image of an issue's body: uploaded by staff, re-encoded (core.immagini), served by the portal."""

    file = models.ImageField(_("immagine"), upload_to=_percorso_immagine)
    testo_alternativo = models.CharField(_("testo alternativo"), max_length=200)
    numero = models.ForeignKey(
        Numero, on_delete=models.SET_NULL, null=True, blank=True, related_name="immagini"
    )
    caricata_il = models.DateTimeField(_("caricata il"), default=timezone.now)
    caricata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-caricata_il", "-pk"]
        verbose_name = _("immagine della newsletter")
        verbose_name_plural = _("immagini della newsletter")

    def __str__(self) -> str:
        return self.testo_alternativo


class Congelata(models.Model):
    """What an issue was, as sent, for one profile (language × interests): the archive serves this."""

    numero = models.ForeignKey(Numero, on_delete=models.CASCADE, related_name="congelate")
    lingua = models.CharField(max_length=8)
    # "" = the profile with no preference (what the public archive shows); else the profile's interests.
    chiave = models.CharField(max_length=200, blank=True)
    oggetto = models.CharField(max_length=300)
    html = models.TextField()
    testo = models.TextField()
    corpo_html = models.TextField(blank=True)
    blocchi = models.JSONField(default=dict)
    creata_il = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("versione inviata")
        verbose_name_plural = _("versioni inviate")
        constraints = [
            models.UniqueConstraint(
                fields=["numero", "lingua", "chiave"],
                name="congelata_unica",
                violation_error_code="congelata_unica",
                violation_error_message=_("Questa versione del numero è già stata conservata."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero_id} {self.lingua} {self.chiave or '-'}"


class GruppoRevisori(models.Model):
    """A saved list of addresses that receive the test sends of an issue."""

    nome = models.CharField(_("nome"), max_length=100, unique=True)
    indirizzi = models.TextField(_("indirizzi"), help_text=_("Un indirizzo per riga."))

    class Meta:
        ordering = ["nome"]
        verbose_name = _("gruppo di revisori")
        verbose_name_plural = _("gruppi di revisori")

    def __str__(self) -> str:
        return self.nome

    @property
    def elenco(self) -> list[str]:
        return [r.strip() for r in self.indirizzi.replace(",", "\n").splitlines() if r.strip()]
