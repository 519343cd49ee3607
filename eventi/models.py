"""Festival della Cultura tecnica: editions, events (with their dates) and news of the network."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.immagini import Regole
from alternanza.core.ricerca import indici_di_ricerca
from alternanza.core.testo import html_sicuro, pulisci_html, testo_semplice
from alternanza.core.tipi import Utente
from alternanza.core.varianti import ImmagineResponsiva
from alternanza.core.vincoli import CampiDeiVincoli
from alternanza.core.workflow import Transizione
from distretti.models import AmbitoTematico, Comune, Distretto, Scuola
from distretti.permissions import Ambito
from partnership.models import Organizzazione
from partnership.permissions import organizzazioni_di

# Cover images of editions, events and news, whether uploaded on the public form or in the admin.
REGOLE_IMMAGINE = Regole(
    max_byte=5 * 1024 * 1024,
    lato_massimo=1920,
    formati=frozenset({"JPEG", "PNG", "WEBP", "GIF"}),
    messaggio_formato=_("Formato non ammesso: usa JPEG, PNG, WebP o GIF."),
    nome_predefinito="immagine",
)

_DIMENSIONI = {"width_field": "larghezza_immagine", "height_field": "altezza_immagine"}


class Edizione(CampiDeiVincoli, models.Model):
    """One yearly edition of the Festival della Cultura tecnica."""

    class Stato(models.TextChoices):
        BOZZA = "bozza", _("In preparazione")
        PUBBLICATA = "pubblicata", _("Pubblicata")

    anno = models.PositiveSmallIntegerField(_("anno"), unique=True)
    titolo = models.CharField(_("titolo"), max_length=200)
    tema = models.CharField(_("tema"), max_length=200, blank=True)
    data_inizio = models.DateField(_("data di inizio"))
    data_fine = models.DateField(_("data di fine"))
    descrizione = models.TextField(_("descrizione"), blank=True)
    immagine = ImmagineResponsiva(
        _("immagine di copertina"), upload_to="festival/edizioni/", blank=True, **_DIMENSIONI
    )
    larghezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    altezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    immagine_alt = models.CharField(_("testo alternativo dell'immagine"), max_length=250, blank=True)
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.BOZZA)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "edizione_date_ordinate": "data_fine",
    }

    class Meta:
        ordering = ["-anno"]
        verbose_name = _("edizione del Festival")
        verbose_name_plural = _("edizioni del Festival")
        constraints = [
            models.CheckConstraint(
                condition=Q(data_fine__gte=models.F("data_inizio")),
                name="edizione_date_ordinate",
                violation_error_code="edizione_date_ordinate",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titolo} {self.anno}"

    def save(self, *args, **kwargs):
        self.descrizione = pulisci_html(self.descrizione)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("eventi:edizione", kwargs={"anno": self.anno})

    def clean(self):
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError({"data_fine": _("La fine non può precedere l'inizio.")})
        if self.immagine and not self.immagine_alt:
            raise ValidationError({"immagine_alt": _("Descrivi l'immagine per chi non può vederla.")})

    @property
    def descrizione_html(self):
        return html_sicuro(self.descrizione)


class Pubblico(models.Model):
    """An audience an event is meant for (fixed list, loaded by a data migration)."""

    class Codice(models.TextChoices):
        PRIMARIA = "primaria", _("Scuola primaria")
        SECONDARIA_I = "secondaria_1", _("Secondaria di I grado")
        SECONDARIA_II = "secondaria_2", _("Secondaria di II grado")
        FAMIGLIE = "famiglie", _("Famiglie")
        DOCENTI = "docenti", _("Docenti")
        IMPRESE = "imprese", _("Imprese")
        CITTADINANZA = "cittadinanza", _("Cittadinanza")

    codice = models.CharField(_("codice"), max_length=20, choices=Codice.choices, unique=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["ordine"]
        verbose_name = _("pubblico")
        verbose_name_plural = _("pubblici")

    def __str__(self) -> str:
        return str(self.get_codice_display())


class StatoEvento(models.TextChoices):
    PROPOSTO = "proposto", _("Proposto")
    APPROVATO = "approvato", _("Approvato")
    RIFIUTATO = "rifiutato", _("Rifiutato")
    PUBBLICATO = "pubblicato", _("Pubblicato")
    ANNULLATO = "annullato", _("Annullato")


STATI_PUBBLICI = (StatoEvento.PUBBLICATO, StatoEvento.ANNULLATO)


def fuori_edizione(edizione: Edizione | None, inizio, fine) -> str:
    """The message when [inizio, fine] (aware datetimes) falls outside the edition's days, else ""."""
    if edizione is None or not inizio or not fine:
        return ""
    if edizione.data_inizio <= timezone.localdate(inizio) and timezone.localdate(fine) <= edizione.data_fine:
        return ""
    return _("Le date dell'evento devono cadere nell'edizione scelta (dal %(dal)s al %(al)s).") % {
        "dal": formats.date_format(edizione.data_inizio),
        "al": formats.date_format(edizione.data_fine),
    }


class EventoQuerySet(models.QuerySet):
    def pubblici(self):
        """Visible to anyone: published, and cancelled ones (kept online with the reason)."""
        return self.filter(stato__in=STATI_PUBBLICI)

    def pubblicati(self):
        return self.filter(stato=StatoEvento.PUBBLICATO)

    def nel_periodo(self, inizio, fine):
        """Events with at least one date overlapping [inizio, fine) (aware datetimes)."""
        return self.filter(
            Exists(DataEvento.objects.filter(evento=OuterRef("pk"), inizio__lt=fine, fine__gte=inizio))
        )

    def del_distretto(self, distretto):
        return self.filter(distretto=distretto)

    def _propri(self, user: Utente) -> tuple[Ambito, Q]:
        from distretti.permissions import ambito_di

        ambito = ambito_di(user)
        q = Q(proposto_da=user)
        if ambito.scuole:
            q |= Q(scuola_proponente__in=ambito.scuole)
        organizzazioni = organizzazioni_di(user)
        if organizzazioni:
            q |= Q(organizzazione_proponente__in=organizzazioni)
        return ambito, q

    def proposti_da(self, user: Utente) -> Self:
        """The user's own proposals: proposed by them, by their schools or by their organisations."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._propri(user)[1])

    def visibili_a(self, user: Utente) -> Self:
        """Public events for everyone; the user's own proposals; everything in the offices' districts."""
        from distretti.permissions import ambito_di

        if not user.is_authenticated:
            return self.pubblici()
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        _ambito, propri = self._propri(user)
        q = Q(stato__in=STATI_PUBBLICI) | propri
        if ambito.distretti_ufficio:
            q |= Q(distretto__in=ambito.distretti_ufficio)
        return self.filter(q)

    def modificabili_da(self, user: Utente) -> Self:
        """Proposers edit while the proposal waits; staff and the district office always."""
        if not user.is_authenticated:
            return self.none()
        ambito, propri = self._propri(user)
        if ambito.staff:
            return self.all()
        q = propri & Q(stato__in=[StatoEvento.PROPOSTO, StatoEvento.RIFIUTATO])
        if ambito.distretti_ufficio:
            q |= Q(distretto__in=ambito.distretti_ufficio)
        return self.filter(q)

    def organizzati_da(self, user: Utente) -> Self:
        """Events whose bookings the user manages: the proposer's (user, school, organisation), those of
        the office's districts, all for staff, in any state."""
        if not user.is_authenticated:
            return self.none()
        ambito, propri = self._propri(user)
        if ambito.staff:
            return self.all()
        if ambito.distretti_ufficio:
            propri |= Q(distretto__in=ambito.distretti_ufficio)
        return self.filter(propri)

    def approvabili_da(self, user: Utente) -> Self:
        """Staff decide on every event, a district office on the events of its districts."""
        from distretti.permissions import ambito_di

        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if ambito.distretti_ufficio:
            return self.filter(distretto__in=ambito.distretti_ufficio)
        return self.none()


# The events' Italian search vector, accents removed (the site-wide search matches unaccented text): title
# A, place B, description C. Kept by a trigger like Progetto.ricerca, so the search reads a GIN index
# instead of computing the vector of every event's description on each query.
_SQL_VETTORE = """
NEW.ricerca :=
    setweight(to_tsvector('italian', unaccent(coalesce(NEW.titolo, ''))), 'A') ||
    setweight(to_tsvector('italian', unaccent(coalesce(NEW.luogo, ''))), 'B') ||
    setweight(to_tsvector('italian', unaccent(coalesce(NEW.descrizione, ''))), 'C');
RETURN NEW;
"""


class Evento(CampiDeiVincoli, models.Model):
    """An event of the Festival (or of the network outside it), proposed, reviewed and published."""

    class Tipo(models.TextChoices):
        LABORATORIO = "laboratorio", _("Laboratorio")
        VISITA = "visita_aziendale", _("Visita aziendale")
        CONVEGNO = "convegno", _("Convegno")
        MOSTRA = "mostra", _("Mostra")
        ORIENTAMENTO = "orientamento", _("Orientamento")
        OPEN_DAY = "open_day", _("Open day")
        PREMIAZIONE = "premiazione", _("Premiazione")
        ALTRO = "altro", _("Altro")

    class Prenotazione(models.TextChoices):
        LIBERO = "libero", _("Ingresso libero")
        LINK = "link", _("Prenotazione consigliata")
        OBBLIGATORIA = "obbligatoria", _("Prenotazione obbligatoria")
        PORTALE = "portale", _("Prenotazione obbligatoria sul portale")

    class TipoPrenotazione(models.TextChoices):
        INDIVIDUALE = "individuale", _("Individuale (adulti)")
        CLASSE = "classe", _("Gruppo classe (docente con la classe)")

    titolo = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    edizione = models.ForeignKey(
        Edizione,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eventi",
        verbose_name=_("edizione del Festival"),
        help_text=_("Vuoto per gli eventi della rete fuori dal Festival."),
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices, default=Tipo.LABORATORIO)
    pubblici = models.ManyToManyField(Pubblico, related_name="eventi", verbose_name=_("pubblico"))
    # First start and last end over all dates (DataEvento): kept in sync for ordering and filtering.
    inizio = models.DateTimeField(_("inizio"), db_index=True)
    fine = models.DateTimeField(_("fine"))
    luogo = models.CharField(_("luogo"), max_length=200, blank=True, help_text=_("Es. Aula magna."))
    indirizzo = models.CharField(_("indirizzo"), max_length=255, blank=True)
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eventi",
        verbose_name=_("comune"),
    )
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eventi",
        verbose_name=_("distretto"),
        editable=False,
    )
    online = models.BooleanField(_("online"), default=False)
    link_online = models.URLField(_("link per partecipare online"), blank=True)
    scuole = models.ManyToManyField(
        Scuola, blank=True, related_name="eventi", verbose_name=_("scuole organizzatrici")
    )
    organizzazioni = models.ManyToManyField(
        Organizzazione, blank=True, related_name="eventi", verbose_name=_("organizzazioni organizzatrici")
    )
    ambiti = models.ManyToManyField(
        AmbitoTematico, blank=True, related_name="eventi", verbose_name=_("ambiti tematici")
    )
    descrizione = models.TextField(_("descrizione"))
    immagine = ImmagineResponsiva(_("immagine"), upload_to="festival/eventi/", **_DIMENSIONI)
    larghezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    altezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    immagine_alt = models.CharField(_("testo alternativo dell'immagine"), max_length=250)
    prenotazione = models.CharField(
        _("prenotazione"), max_length=20, choices=Prenotazione.choices, default=Prenotazione.LIBERO
    )
    link_prenotazione = models.URLField(_("link per prenotare"), blank=True)
    posti = models.PositiveIntegerField(_("posti disponibili"), null=True, blank=True)
    # Bookings on the portal (eventi.prenotazioni): who books, how many places at most, when.
    tipo_prenotazione = models.CharField(
        _("chi prenota"),
        max_length=20,
        choices=TipoPrenotazione.choices,
        default=TipoPrenotazione.INDIVIDUALE,
    )
    posti_per_prenotazione = models.PositiveSmallIntegerField(
        _("posti al massimo per prenotazione"),
        null=True,
        blank=True,
        help_text=_("Vuoto: nessun limite oltre ai posti disponibili."),
    )
    prenotazioni_dal = models.DateTimeField(_("prenotazioni aperte dal"), null=True, blank=True)
    prenotazioni_al = models.DateTimeField(
        _("prenotazioni chiuse dal"), null=True, blank=True, help_text=_("Vuoto: fino all'inizio.")
    )
    accessibilita = models.TextField(_("note sull'accessibilità"), blank=True)
    in_evidenza = models.BooleanField(_("in evidenza"), default=False)
    stato = models.CharField(
        _("stato"), max_length=20, choices=StatoEvento.choices, default=StatoEvento.PROPOSTO, db_index=True
    )
    motivo_annullamento = models.TextField(_("motivo dell'annullamento"), blank=True)
    nota_decisione = models.TextField(_("nota della decisione"), blank=True)
    proposto_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eventi_proposti",
        verbose_name=_("proposto da"),
    )
    scuola_proponente = models.ForeignKey(
        Scuola,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eventi_proposti",
        verbose_name=_("scuola proponente"),
    )
    organizzazione_proponente = models.ForeignKey(
        Organizzazione,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eventi_proposti",
        verbose_name=_("organizzazione proponente"),
    )
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eventi_decisi",
        verbose_name=_("deciso da"),
    )
    deciso_il = models.DateTimeField(_("deciso il"), null=True, blank=True)
    pubblicato_il = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    ricerca = SearchVectorField(null=True, editable=False)

    objects = EventoQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "evento_fine_dopo_inizio": "fine",
        "evento_luogo_o_online": "comune",
        "evento_annullato_con_motivo": "motivo_annullamento",
    }

    class Meta:
        ordering = ["inizio", "pk"]
        verbose_name = _("evento")
        verbose_name_plural = _("eventi")
        constraints = [
            models.CheckConstraint(
                condition=Q(fine__gte=models.F("inizio")),
                name="evento_fine_dopo_inizio",
                violation_error_code="evento_fine_dopo_inizio",
                violation_error_message=_("La fine dell'evento non può precedere l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(online=True) | Q(comune__isnull=False),
                name="evento_luogo_o_online",
                violation_error_code="evento_luogo_o_online",
                violation_error_message=_(
                    "Indica il comune dove si svolge l'evento, oppure che si svolge online."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(stato="annullato") | ~Q(motivo_annullamento=""),
                name="evento_annullato_con_motivo",
                violation_error_code="evento_annullato_con_motivo",
                violation_error_message=_("Indica il motivo dell'annullamento."),
            ),
        ]
        indexes = [
            models.Index(fields=["stato", "inizio"], name="evento_stato_inizio_idx"),
            models.Index(fields=["edizione", "stato"], name="evento_edizione_stato_idx"),
            models.Index(fields=["distretto", "stato"], name="evento_distretto_stato_idx"),
            GinIndex(fields=["ricerca"], name="evento_ricerca_gin"),
            *indici_di_ricerca("evento_titolo", nome="titolo"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="evento_vettore_ricerca",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=_SQL_VETTORE,
            ),
        ]

    def __str__(self) -> str:
        return self.titolo

    def save(self, *args, **kwargs):
        self.descrizione = pulisci_html(self.descrizione)
        if self.comune_id:
            comune_caricato = self._state.fields_cache.get("comune")
            self.distretto_id = (
                comune_caricato.distretto_id
                if comune_caricato is not None
                else Comune.objects.values_list("distretto_id", flat=True).get(pk=self.comune_id)
            )
        elif self.scuola_proponente_id:
            self.distretto_id = Scuola.objects.values_list("comune__distretto_id", flat=True).get(
                pk=self.scuola_proponente_id
            )
        else:
            self.distretto_id = None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("eventi:evento", kwargs={"slug": self.slug})

    def clean(self):
        errori: dict[str, Any] = {}
        if self.inizio and self.fine and self.fine < self.inizio:
            errori["fine"] = _("La fine non può precedere l'inizio.")
        if not self.online and not self.comune_id:
            errori["comune"] = _("Indica il comune dove si svolge l'evento, oppure segnalalo come online.")
        if self.online and not self.link_online and not self.comune_id:
            errori["link_online"] = _("Indica il link per partecipare online.")
        prenotare = self.prenotazione in (self.Prenotazione.LINK, self.Prenotazione.OBBLIGATORIA)
        if prenotare and not self.link_prenotazione:
            errori["link_prenotazione"] = _("Indica dove prenotare.")
        con_posti = (self.Prenotazione.OBBLIGATORIA, self.Prenotazione.PORTALE)
        if self.prenotazione in con_posti and not self.posti:
            errori["posti"] = _("Con prenotazione obbligatoria indica i posti disponibili.")
        elif self.posti is not None and self.pk and self.posti < (occupati := self.posti_occupati_massimi()):
            errori["posti"] = _("Sono già prenotati %(n)s posti: non puoi indicarne meno.") % {"n": occupati}
        if self.prenotazioni_dal and self.prenotazioni_al and self.prenotazioni_al <= self.prenotazioni_dal:
            errori["prenotazioni_al"] = _("La chiusura delle prenotazioni deve seguire l'apertura.")
        errore_edizione = self._fuori_edizione()
        if errore_edizione:
            errori["inizio"] = errore_edizione
        if self.stato == StatoEvento.ANNULLATO and not self.motivo_annullamento.strip():
            errori["motivo_annullamento"] = _("Spiega al pubblico perché l'evento è annullato.")
        if errori:
            raise ValidationError(errori)

    def _fuori_edizione(self) -> str:
        """The message when the event's dates fall outside its edition (else "")."""
        return fuori_edizione(self.edizione if self.edizione_id else None, self.inizio, self.fine)

    @property
    def descrizione_html(self):
        return html_sicuro(self.descrizione)

    @property
    def sommario(self) -> str:
        return testo_semplice(self.descrizione, 200)

    @property
    def annullato(self) -> bool:
        return self.stato == StatoEvento.ANNULLATO

    @property
    def prenotabile_sul_portale(self) -> bool:
        return self.prenotazione == self.Prenotazione.PORTALE and bool(self.posti)

    def posti_occupati_massimi(self) -> int:
        """The places held on the most booked date (the capacity cannot go below it)."""
        return self.date.aggregate(n=models.Max("posti_occupati", default=0))["n"]

    def date_prenotabili(self, adesso=None) -> list[DataEvento]:
        """The dates not started yet, each with its own places (capacity and waiting list per date).

        Read from the prefetched `date` when there are (the event page prefetches them)."""
        adesso = adesso or timezone.now()
        return [d for d in self.date.all() if d.inizio > adesso]

    @property
    def posti_liberi(self) -> int:
        """Free places over the dates still to come (for a single date: that date's free places)."""
        return sum(d.posti_liberi for d in self.date_prenotabili())

    def prenotazioni_aperte(self, adesso=None) -> bool:
        """Bookable now: booked on the portal, published, within the booking window, a date not started."""
        adesso = adesso or timezone.now()
        if not self.prenotabile_sul_portale or self.stato != StatoEvento.PUBBLICATO:
            return False
        if self.prenotazioni_dal and adesso < self.prenotazioni_dal:
            return False
        if self.prenotazioni_al and adesso >= self.prenotazioni_al:
            return False
        return bool(self.date_prenotabili(adesso))

    @property
    def pubblico(self) -> bool:
        return self.stato in STATI_PUBBLICI

    @property
    def piu_giorni(self) -> bool:
        return timezone.localdate(self.inizio) != timezone.localdate(self.fine)

    def ricalcola_periodo(self, salva: bool = True) -> None:
        """Set inizio/fine to the span of the event's dates (after the dates changed)."""
        date = list(self.date.values_list("inizio", "fine"))
        if not date:
            return
        self.inizio = min(d[0] for d in date)
        self.fine = max(d[1] for d in date)
        if salva:
            Evento.objects.filter(pk=self.pk).update(inizio=self.inizio, fine=self.fine)


class TransizioneEvento(Transizione):
    """One decision on an event (eventi.workflow): who took it, when, from which state to which, the note."""

    evento = models.ForeignKey(Evento, on_delete=models.CASCADE, related_name="transizioni")
    da_stato = models.CharField(_("da"), max_length=20, choices=StatoEvento.choices)
    a_stato = models.CharField(_("a"), max_length=20, choices=StatoEvento.choices)

    def __str__(self) -> str:
        return f"{self.evento_id}: {self.da_stato} → {self.a_stato}"


class DataEvento(CampiDeiVincoli, models.Model):
    """One occurrence of an event: multi-day events span days, recurring ones have several rows."""

    evento = models.ForeignKey(
        Evento, on_delete=models.CASCADE, related_name="date", verbose_name=_("evento")
    )
    inizio = models.DateTimeField(_("inizio"))
    fine = models.DateTimeField(_("fine"))
    # Places of this date held by confirmed bookings and open offers to its waiting list (each date has
    # the event's capacity). Changed only by one conditional UPDATE (eventi.prenotazioni.services), so
    # it never passes Evento.posti.
    posti_occupati = models.PositiveIntegerField(_("posti occupati"), default=0, editable=False)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "dataevento_fine_dopo_inizio": "fine",
    }

    class Meta:
        ordering = ["inizio"]
        verbose_name = _("data dell'evento")
        verbose_name_plural = _("date dell'evento")
        constraints = [
            models.CheckConstraint(
                condition=Q(fine__gte=models.F("inizio")),
                name="dataevento_fine_dopo_inizio",
                violation_error_code="dataevento_fine_dopo_inizio",
                violation_error_message=_("La fine non può precedere l'inizio."),
            ),
        ]
        indexes = [models.Index(fields=["inizio", "fine"], name="dataevento_periodo_idx")]

    def __str__(self) -> str:
        return f"{self.evento} – {timezone.localtime(self.inizio):%d/%m/%Y %H:%M}"

    def clean(self):
        if self.inizio and self.fine and self.fine < self.inizio:
            raise ValidationError({"fine": _("La fine non può precedere l'inizio.")})

    @property
    def posti_liberi(self) -> int:
        return max(0, (self.evento.posti or 0) - self.posti_occupati)


class NotiziaQuerySet(models.QuerySet):
    def pubblicate(self):
        return self.filter(pubblicata=True, data_pubblicazione__lte=timezone.now())


class Notizia(models.Model):
    """A news item of the Festival and of the network."""

    titolo = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    sommario = models.CharField(_("sommario"), max_length=300)
    testo = models.TextField(_("testo"))
    data_pubblicazione = models.DateTimeField(_("data di pubblicazione"), default=timezone.now, db_index=True)
    edizione = models.ForeignKey(
        Edizione,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notizie",
        verbose_name=_("edizione del Festival"),
    )
    immagine = ImmagineResponsiva(_("immagine"), upload_to="festival/notizie/", blank=True, **_DIMENSIONI)
    larghezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    altezza_immagine = models.PositiveIntegerField(default=0, editable=False)
    immagine_alt = models.CharField(_("testo alternativo dell'immagine"), max_length=250, blank=True)
    pubblicata = models.BooleanField(_("pubblicata"), default=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"), auto_now=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    objects = NotiziaQuerySet.as_manager()

    class Meta:
        ordering = ["-data_pubblicazione", "-pk"]
        verbose_name = _("notizia")
        verbose_name_plural = _("notizie")
        # What the site-wide search matches (alternanza.pagine.ricerca._notizie).
        indexes = indici_di_ricerca("notizia", testi=("titolo", "sommario", "testo"), nome="titolo")

    def __str__(self) -> str:
        return self.titolo

    def save(self, *args, **kwargs):
        self.testo = pulisci_html(self.testo)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("eventi:notizia", kwargs={"slug": self.slug})

    def clean(self):
        if self.immagine and not self.immagine_alt:
            raise ValidationError({"immagine_alt": _("Descrivi l'immagine per chi non può vederla.")})

    @property
    def testo_html(self):
        return html_sicuro(self.testo)


# The booking models live in their own module (eventi.prenotazioni.models); imported here so that
# Django registers them with the app.
from eventi.prenotazioni.models import (  # noqa: E402
    MessaggioPrenotati as MessaggioPrenotati,
)
from eventi.prenotazioni.models import (  # noqa: E402
    Prenotazione as Prenotazione,
)
