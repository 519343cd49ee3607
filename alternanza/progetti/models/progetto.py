"""Alternation projects (PCTO): the project, its partners, its workflow history, documents and photos.

Students are minors: a project stores only aggregate counts of students, never names.
The search vector column `ricerca` is maintained by a PostgreSQL trigger (so bulk paths stay in sync).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Collection
from typing import Any, ClassVar, Self

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import valida_anno_scolastico
from alternanza.core.archivi import FilePrivato
from alternanza.core.tipi import Utente
from alternanza.core.varianti import ImmagineResponsiva
from alternanza.core.vincoli import CampiDeiVincoli
from alternanza.core.workflow import Transizione
from distretti.models import AmbitoTematico, Comune, Distretto, Scuola
from distretti.permissions import ambito_di
from partnership.models import AreaS3, Convenzione, Organizzazione, Partnership


class StatoProgetto(models.TextChoices):
    BOZZA = "bozza", _("Bozza")
    INVIATO = "inviato", _("Inviato all'ufficio distrettuale")
    VALIDATO = "validato", _("Validato")
    RIMANDATO = "rimandato", _("Rimandato con osservazioni")
    PUBBLICATO = "pubblicato", _("Pubblicato")
    IN_CORSO = "in_corso", _("In corso")
    CONCLUSO = "concluso", _("Concluso")
    ARCHIVIATO = "archiviato", _("Archiviato")

    @property
    def badge(self) -> str:
        """Badge class of the status: one of the state tones of frontend/scss/portale/_base.scss (all
        ≥ 4.5:1)."""
        return {
            "bozza": "stato-neutro",
            "inviato": "stato-info",
            "validato": "stato-ok",
            "rimandato": "stato-avviso",
            "pubblicato": "stato-ok",
            "in_corso": "stato-info",
            "concluso": "stato-ok",
            "archiviato": "stato-chiuso",
        }[self.value]

    @property
    def etichetta_pubblica(self) -> str:
        """What visitors read instead of the workflow's words ("Pubblicato" is office jargon): the phase
        of the project's life. Only the states a visitor can see (STATI_PUBBLICI) have one."""
        return str(
            {
                "pubblicato": _("In programma"),
                "in_corso": _("In corso"),
                "concluso": _("Concluso"),
            }.get(self.value, "")
        )


# The states a visitor may see a project in (with the school's consent): published, then running and
# concluded. A project may start running before the office publishes it (AVVIA from "validato"): then
# it stays reserved, which `pubblicato_il` tells apart.
STATI_PUBBLICI = (StatoProgetto.PUBBLICATO, StatoProgetto.IN_CORSO, StatoProgetto.CONCLUSO)


def condizione_pubblici(percorso: str = "") -> models.Q:
    """The one definition of a public project (what ProgettoQuerySet.pubblicati and Progetto.e_pubblico
    say), as a condition for queries through a relation: `percorso` "progetti__" counts a school's or a
    partnership's public projects, e.g. Count("progetti", filter=condizione_pubblici("progetti__")).

    Written as the predicate of the showcase's partial indexes (consent and a public status) and then
    what the running and concluded projects also need (a publication date): PostgreSQL then reads those
    indexes alone. Written as "published, or running/concluded with a date", the same condition made it
    AND the full-text index with the status index twice (a third of the showcase search's query)."""
    return models.Q(**{f"{percorso}consenso_vetrina": True, f"{percorso}stato__in": STATI_PUBBLICI}) & (
        models.Q(**{f"{percorso}stato": StatoProgetto.PUBBLICATO})
        | models.Q(**{f"{percorso}pubblicato_il__isnull": False})
    )


_PUBBLICO = condizione_pubblici()
# A model of intervention (ModelloIntervento) grows from a project the office published, also once it
# ran, concluded or was archived.
STATI_MODELLABILI = (*STATI_PUBBLICI, StatoProgetto.ARCHIVIATO)


# Which projects count in every figure (office statistics, open data, reports): those the district
# office validated, which stay counted once published, running, concluded or archived.
STATI_CONVALIDATI = (
    StatoProgetto.VALIDATO,
    StatoProgetto.PUBBLICATO,
    StatoProgetto.IN_CORSO,
    StatoProgetto.CONCLUSO,
    StatoProgetto.ARCHIVIATO,
)
_CONVALIDATI = models.Q(stato__in=STATI_CONVALIDATI)
# What the per-district statistics sum over the counted projects (the student counts and the hours).
CAMPI_SOMMATI = (
    "studenti_totale",
    "studenti_ragazze",
    "studenti_origine_straniera",
    "studenti_con_sostegno",
    "studenti_con_formazione_sicurezza",
    "ore_svolte",
)


class ProgettoQuerySet(models.QuerySet):
    def convalidati(self) -> ProgettoQuerySet:
        """The projects that count in every figure: validated by the district office (also once
        published or archived)."""
        return self.filter(_CONVALIDATI)

    def statistiche_per_distretto(self, *per: str, **altre: models.Aggregate) -> list[dict]:
        """Per district (and per the `per` fields, e.g. "anno_scolastico") of these counted projects (a
        queryset of convalidati()), one query: `progetti`, how many, and the sum of each of
        CAMPI_SOMMATI, plus the caller's aggregates `altre`. Rows in the order of `per` and district;
        groups without any of these projects are absent. (The office's review page, which also counts
        the projects not yet validated, groups by status instead: views/ufficio.py.)"""
        return list(
            self.values(*per, "distretto_id")
            # The caller's aggregates first: they may read the summed fields, which the sums' aliases
            # shadow once added.
            .annotate(**altre)
            .annotate(
                progetti=models.Count("id"),
                **{c: models.Sum(c, default=0) for c in CAMPI_SOMMATI},
            )
            .order_by(*per, "distretto_id")
        )

    def conteggi_per_stato(self) -> dict[str, int]:
        """{status: how many of these projects are in it}, every status present, in one query."""
        return self.order_by().aggregate(
            **{s.value: models.Count("id", filter=models.Q(stato=s.value)) for s in StatoProgetto}
        )

    def con_ultima_osservazione(self) -> Self:
        """Annotate `osservazioni`: the district office's note of the latest "rimandato" step."""
        ultima = TransizioneProgetto.objects.filter(
            progetto=models.OuterRef("pk"), a_stato=StatoProgetto.RIMANDATO
        ).order_by("-creata_il", "-id")
        return self.annotate(osservazioni=models.Subquery(ultima.values("nota")[:1]))

    def pubblicati(self):
        """What visitors may see: published projects (also once running or concluded) whose school
        consented to the showcase."""
        return self.filter(_PUBBLICO)

    def del_distretto(self, distretto):
        return self.filter(distretto=distretto)

    def visibili_a(self, user: Utente) -> Self:
        """Projects the user may read: staff all; the district office its district's submitted projects;
        the coordinator its schools' projects; everybody the published ones with showcase consent."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        condizione = _PUBBLICO
        if ambito.distretti_ufficio:
            condizione |= models.Q(distretto_id__in=ambito.distretti_ufficio) & ~models.Q(
                stato=StatoProgetto.BOZZA
            )
        if ambito.scuole:
            condizione |= models.Q(scuola_id__in=ambito.scuole)
        return self.filter(condizione)

    def da_esaminare_da(self, user: Utente) -> Self:
        """The user's review queue: projects submitted to their offices' districts (every district for
        staff), oldest first; none for other users."""
        ambito = ambito_di(user)
        if not (ambito.staff or ambito.distretti_ufficio):
            return self.none()
        coda = self.filter(stato=StatoProgetto.INVIATO)
        if not ambito.staff:
            coda = coda.filter(distretto_id__in=ambito.distretti_ufficio)
        return coda.order_by("aggiornato_il", "id")

    def modificabili_da(self, user: Utente) -> Self:
        """Projects whose content the user may edit (alternanza.progetti.workflow: what editing triggers)."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.exclude(stato=StatoProgetto.ARCHIVIATO)
        if not ambito.scuole:
            return self.none()
        return self.filter(scuola_id__in=ambito.scuole, stato__in=STATI_MODIFICABILI)


# A coordinator edits a project in these states (which fields, and which edits send it back to the
# office: alternanza.progetti.workflow.CAMPI_PER_STATO, whose school rows these states must match —
# a test checks it). Staff edits in every state but "archiviato".
STATI_MODIFICABILI = (
    StatoProgetto.BOZZA,
    StatoProgetto.RIMANDATO,
    StatoProgetto.VALIDATO,
    StatoProgetto.PUBBLICATO,
    StatoProgetto.IN_CORSO,
    StatoProgetto.CONCLUSO,
)

_PARTI_STUDENTI = (
    "studenti_ragazze",
    "studenti_origine_straniera",
    "studenti_con_sostegno",
    "studenti_con_formazione_sicurezza",
)

# Weighted Italian search vector: title A, description/objectives B, the rest C.
_SQL_VETTORE = """
NEW.ricerca :=
    setweight(to_tsvector('italian', coalesce(NEW.titolo, '')), 'A') ||
    setweight(to_tsvector('italian',
        coalesce(NEW.descrizione, '') || ' ' || coalesce(NEW.obiettivi, '')
    ), 'B') ||
    setweight(to_tsvector('italian',
        coalesce(NEW.risultati, '') || ' ' || coalesce(NEW.indirizzo, '') || ' ' || coalesce(NEW.classi, '')
        || ' ' || coalesce((SELECT s.denominazione FROM distretti_scuola s WHERE s.id = NEW.scuola_id), '')
    ), 'C');
RETURN NEW;
"""


@pghistory.track(exclude=["ricerca"])
class Progetto(CampiDeiVincoli, models.Model):
    """An alternation project (PCTO) of one school in one school year."""

    scuola = models.ForeignKey(
        Scuola, on_delete=models.PROTECT, related_name="progetti", verbose_name=_("scuola")
    )
    # Denormalised from scuola.comune.distretto (set in save() and in bulk paths): every list, the review
    # queue and the reports filter by district, and a direct indexed column saves two joins on 100k rows.
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        related_name="progetti",
        verbose_name=_("distretto"),
        editable=False,
    )
    indirizzo = models.CharField(
        _("indirizzo di studio / sede"),
        max_length=200,
        blank=True,
        help_text=_("L'indirizzo di studio o la sede dell'istituto coinvolta, se serve."),
    )
    anno_scolastico = models.CharField(
        _("anno scolastico"),
        max_length=7,
        validators=[valida_anno_scolastico],  # type: ignore[list-item]  # stubs want validators to return None; Django ignores the value
        help_text=_("Nella forma 2025/26."),
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"))
    obiettivi = models.TextField(_("obiettivi"), blank=True)
    organizzazioni: models.ManyToManyField[Organizzazione, ProgettoOrganizzazione] = models.ManyToManyField(
        Organizzazione,
        through="ProgettoOrganizzazione",
        related_name="progetti",
        blank=True,
        verbose_name=_("organizzazioni"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progetti",
        verbose_name=_("partnership"),
        help_text=_("La partnership di cui il progetto fa parte, se c'è."),
    )
    ambiti = models.ManyToManyField(
        AmbitoTematico, related_name="progetti", blank=True, verbose_name=_("ambiti tematici")
    )
    aree_s3 = models.ManyToManyField(AreaS3, related_name="progetti", blank=True, verbose_name=_("aree S3"))
    classi = models.CharField(_("classi coinvolte"), max_length=200, blank=True, help_text=_("Es. 3A, 4B."))
    ore_previste = models.PositiveIntegerField(_("ore previste"), default=0)
    ore_svolte = models.PositiveIntegerField(_("ore svolte"), default=0)
    data_inizio = models.DateField(_("data di inizio"), null=True, blank=True)
    data_fine = models.DateField(_("data di fine"), null=True, blank=True)
    comuni = models.ManyToManyField(
        Comune, related_name="progetti", blank=True, verbose_name=_("comuni in cui si svolge")
    )
    sicurezza_ore = models.PositiveSmallIntegerField(_("ore di formazione sulla sicurezza"), default=0)
    sicurezza_ente = models.CharField(_("formazione sulla sicurezza erogata da"), max_length=200, blank=True)
    sicurezza_svolta = models.BooleanField(_("formazione sulla sicurezza svolta"), default=False)
    studenti_totale = models.PositiveIntegerField(_("studenti coinvolti (totale)"), default=0)
    studenti_ragazze = models.PositiveIntegerField(_("di cui ragazze"), default=0)
    studenti_origine_straniera = models.PositiveIntegerField(
        _("di cui con cittadinanza straniera o di origine straniera"), default=0
    )
    studenti_con_sostegno = models.PositiveIntegerField(_("di cui con sostegno (disabilità)"), default=0)
    studenti_con_formazione_sicurezza = models.PositiveIntegerField(
        _("di cui con formazione sulla sicurezza"), default=0
    )
    risultati = models.TextField(_("risultati"), blank=True)
    valutazione = models.TextField(_("valutazione"), blank=True)
    # The school tutor: an adult (a teacher), shown only in the reserved area, never in open data. A
    # database default too, so bulk paths that name their columns (the demo's COPY) need not list them.
    tutor_scuola_nome = models.CharField(
        _("tutor scolastico"), max_length=150, blank=True, default="", db_default=""
    )
    tutor_scuola_ruolo = models.CharField(
        _("ruolo del tutor scolastico"),
        max_length=150,
        blank=True,
        default="",
        db_default="",
        help_text=_("Es. docente di meccanica."),
    )
    tutor_scuola_email = models.EmailField(
        _("e-mail del tutor scolastico"), blank=True, default="", db_default=""
    )
    consenso_vetrina = models.BooleanField(
        _("consenso alla pubblicazione nella vetrina"),
        default=False,
        help_text=_("La scuola acconsente a mostrare il progetto pubblicato nella vetrina pubblica."),
    )
    stato = models.CharField(
        _("stato"), max_length=20, choices=StatoProgetto.choices, default=StatoProgetto.BOZZA, db_index=True
    )
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progetti_creati",
        verbose_name=_("creato da"),
    )
    creato_da_nome = models.CharField(_("creato da (nome)"), max_length=200, blank=True)
    copiato_da = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copie",
        verbose_name=_("copiato da"),
    )
    creato_il = models.DateTimeField(_("creato il"), auto_now_add=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)
    pubblicato_il = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    ricerca = SearchVectorField(null=True, editable=False)
    demo = models.BooleanField(_("dato dimostrativo"), default=False)

    objects = ProgettoQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "progetto_date_ordinate": "data_fine",
        "progetto_anno_scolastico_formato": "anno_scolastico",
        **{f"progetto_{parte}_entro_totale": parte for parte in _PARTI_STUDENTI},
    }

    class Meta:
        ordering = ["-aggiornato_il", "-id"]
        verbose_name = _("progetto di alternanza")
        verbose_name_plural = _("progetti di alternanza")
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{parte}__lte": models.F("studenti_totale")}),
                    name=f"progetto_{parte}_entro_totale",
                    violation_error_code=f"progetto_{parte}_entro_totale",
                    violation_error_message=_("Non può superare il numero totale di studenti."),
                )
                for parte in _PARTI_STUDENTI
            ],
            models.CheckConstraint(
                condition=models.Q(
                    studenti_totale__gte=0,
                    studenti_ragazze__gte=0,
                    studenti_origine_straniera__gte=0,
                    studenti_con_sostegno__gte=0,
                    studenti_con_formazione_sicurezza__gte=0,
                ),
                name="progetto_studenti_non_negativi",
                violation_error_code="progetto_studenti_non_negativi",
                violation_error_message=_("I numeri di studenti non possono essere negativi."),
            ),
            models.CheckConstraint(
                condition=models.Q(data_fine__isnull=True)
                | models.Q(data_inizio__isnull=True)
                | models.Q(data_fine__gte=models.F("data_inizio")),
                name="progetto_date_ordinate",
                violation_error_code="progetto_date_ordinate",
                violation_error_message=_("La data di fine non può precedere la data di inizio."),
            ),
            models.CheckConstraint(
                condition=models.Q(anno_scolastico__regex=r"^[0-9]{4}/[0-9]{2}$"),
                name="progetto_anno_scolastico_formato",
                violation_error_code="progetto_anno_scolastico_formato",
                violation_error_message=_("Scrivi l'anno scolastico nella forma 2025/26."),
            ),
        ]
        indexes = [
            # Per district and status, carrying the summed fields: the offices' statistics over every
            # year (counts per status, students, hours) are an index-only scan, not a read of the table.
            models.Index(
                fields=["distretto", "stato"], include=[*CAMPI_SOMMATI], name="progetto_distretto_stato_idx"
            ),
            models.Index(fields=["scuola", "stato"], name="progetto_scuola_stato_idx"),
            # By year and status, carrying what the per-district statistics (CAMPI_SOMMATI) and the
            # governance reports sum, so a year's aggregates read this index (an index-only scan: a few
            # ms) rather than the wide table (descriptions, search vector: 100 MB at 100,000 projects).
            models.Index(
                fields=["anno_scolastico", "stato"],
                include=["id", "distretto", "scuola", *CAMPI_SOMMATI, "sicurezza_svolta"],
                name="progetto_anno_stato_idx",
            ),
            # The review queue: one status in order of last update (oldest submissions first), the
            # districts filtered while walking the index, so a page reads 25 rows instead of sorting
            # every submitted project.
            models.Index(fields=["stato", "aggiornato_il", "id"], name="progetto_stato_aggiornato_idx"),
            models.Index(
                fields=["-pubblicato_il", "-id"],
                name="progetto_vetrina_idx",
                condition=models.Q(stato__in=STATI_PUBBLICI, consenso_vetrina=True),
            ),
            # The partial GIN index serves the public search.
            GinIndex(fields=["ricerca"], name="progetto_ricerca_gin"),
            GinIndex(
                fields=["ricerca"],
                name="progetto_ricerca_vetrina_gin",
                condition=models.Q(stato__in=STATI_PUBBLICI, consenso_vetrina=True),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="progetto_vettore_ricerca",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=_SQL_VETTORE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titolo} ({self.anno_scolastico})"

    def save(self, *args, **kwargs):
        if self.scuola_id and (not self.distretto_id or self._scuola_cambiata()):
            self.distretto_id = (
                Scuola.objects.filter(pk=self.scuola_id).values_list("comune__distretto_id", flat=True).get()
            )
        if kwargs.get("update_fields") is not None and "scuola" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "distretto"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("progetti:progetto", kwargs={"pk": self.pk})

    @property
    def stato_enum(self) -> StatoProgetto:
        return StatoProgetto(self.stato)

    @property
    def e_pubblico(self) -> bool:
        """Whether visitors see this project (the one-object mirror of ProgettoQuerySet.pubblicati)."""
        if not self.consenso_vetrina:
            return False
        if self.stato == StatoProgetto.PUBBLICATO:
            return True
        return self.stato in STATI_PUBBLICI and self.pubblicato_il is not None

    # The school id as loaded from the database (set by from_db; absent on a new instance).
    _scuola_id_caricata: int | None

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        istanza = super().from_db(db, field_names, values)
        istanza._scuola_id_caricata = istanza.__dict__.get("scuola_id")
        return istanza

    def _scuola_cambiata(self) -> bool:
        """Whether the school changed since the row was loaded (the district must follow)."""
        return self.pk is not None and getattr(self, "_scuola_id_caricata", self.scuola_id) != self.scuola_id

    def clean(self):
        errori: dict[str, list] = {}
        if self.anno_scolastico:
            try:
                valida_anno_scolastico(self.anno_scolastico)
            except ValidationError as exc:
                errori.setdefault("anno_scolastico", []).extend(exc.messages)
        totale = self.studenti_totale or 0
        for parte in _PARTI_STUDENTI:
            valore = getattr(self, parte)
            if valore is None:
                continue
            if valore < 0:
                errori.setdefault(parte, []).append(_("Il numero non può essere negativo."))
            elif valore > totale:
                errori.setdefault(parte, []).append(
                    _("Non può superare il numero totale di studenti coinvolti (%(totale)s).")
                    % {"totale": totale}
                )
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            errori.setdefault("data_fine", []).append(_("La data di fine precede la data di inizio."))
        if self.ore_svolte and self.ore_previste and self.ore_svolte > self.ore_previste * 2:
            errori.setdefault("ore_svolte", []).append(
                _("Le ore svolte superano di molto quelle previste: controlla il dato.")
            )
        if errori:
            raise ValidationError(errori)


class PartecipazioneQuerySet(models.QuerySet):
    def ospitanti_senza_convenzione(self, oggi=None) -> Self:
        """Host organisations that have no valid convenzione with the project's school (a placement
        needs one: partnership.Convenzione)."""
        valida = Convenzione.objects.valide(oggi).filter(
            scuola_id=models.OuterRef("progetto__scuola_id"),
            organizzazione_id=models.OuterRef("organizzazione_id"),
        )
        return self.filter(ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE).exclude(models.Exists(valida))


class ProgettoOrganizzazione(models.Model):
    """An organisation taking part in a project, with its role."""

    class Ruolo(models.TextChoices):
        OSPITANTE = "ospitante", _("Struttura ospitante")
        CO_PROGETTAZIONE = "co_progettazione", _("Co-progettazione")
        FORMAZIONE = "formazione", _("Formazione")
        ALTRO = "altro", _("Altro")

    progetto = models.ForeignKey(Progetto, on_delete=models.CASCADE, related_name="partecipazioni")
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.PROTECT, related_name="partecipazioni_progetti"
    )
    ruolo = models.CharField(_("ruolo"), max_length=20, choices=Ruolo.choices, default=Ruolo.OSPITANTE)
    # The host's tutor (an adult): reserved area only; the host's evaluation link is mailed to them.
    tutor_nome = models.CharField(
        _("tutor dell'organizzazione"), max_length=150, blank=True, default="", db_default=""
    )
    tutor_ruolo = models.CharField(
        _("ruolo del tutor"), max_length=150, blank=True, default="", db_default=""
    )
    tutor_email = models.EmailField(_("e-mail del tutor"), blank=True, default="", db_default="")

    objects = PartecipazioneQuerySet.as_manager()

    class Meta:
        verbose_name = _("organizzazione del progetto")
        verbose_name_plural = _("organizzazioni del progetto")
        constraints = [
            models.UniqueConstraint(
                fields=["progetto", "organizzazione", "ruolo"],
                name="progetto_organizzazione_ruolo_unico",
                violation_error_code="progetto_organizzazione_ruolo_unico",
                violation_error_message=_(
                    "Questa organizzazione compare già nel progetto con lo stesso ruolo."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organizzazione", "ruolo"], name="progorg_org_ruolo_idx")]

    def __str__(self) -> str:
        return f"{self.organizzazione} – {self.get_ruolo_display()}"


class TransizioneProgetto(Transizione):
    """One step of a project's workflow: who moved it, when, from which state to which, with a note."""

    progetto = models.ForeignKey(Progetto, on_delete=models.CASCADE, related_name="transizioni")
    da_stato = models.CharField(_("da"), max_length=20, choices=StatoProgetto.choices)
    a_stato = models.CharField(_("a"), max_length=20, choices=StatoProgetto.choices)

    def __str__(self) -> str:
        return f"{self.progetto_id}: {self.da_stato} → {self.a_stato}"


# Random file names: media files are served by the web server, so a non-public document or the photo of
# an unpublished project must not sit at a guessable URL. Documents are downloaded through a view that
# checks permissions and names the file after its title.
def _percorso_documento(istanza, nome: str) -> str:
    return f"progetti/{istanza.progetto_id}/documenti/{uuid.uuid4().hex}{os.path.splitext(nome)[1].lower()}"


def _percorso_foto(istanza, nome: str) -> str:
    return f"progetti/{istanza.progetto_id}/foto/{uuid.uuid4().hex}{os.path.splitext(nome)[1].lower()}"


class DocumentoProgetto(models.Model):
    """A document attached to a project (PDF, office formats); type and size are checked on upload."""

    progetto = models.ForeignKey(Progetto, on_delete=models.CASCADE, related_name="documenti")
    titolo = models.CharField(_("titolo"), max_length=200)
    # Private (alternanza.core.archivi): even a public document goes through the view that checks it.
    file = FilePrivato(_("file"), cartella="progetti/documenti")
    tipo_mime = models.CharField(_("tipo"), max_length=100, blank=True)
    dimensione = models.PositiveIntegerField(_("dimensione (byte)"), default=0)
    pubblico = models.BooleanField(_("visibile nella vetrina"), default=False)
    caricato_il = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        ordering = ["titolo"]
        verbose_name = _("documento del progetto")
        verbose_name_plural = _("documenti del progetto")

    def __str__(self) -> str:
        return self.titolo


class FotoProgetto(models.Model):
    """A photo of a project, re-encoded on upload (strips metadata such as GPS); alt text mandatory."""

    progetto = models.ForeignKey(Progetto, on_delete=models.CASCADE, related_name="foto")
    immagine = ImmagineResponsiva(
        _("immagine"), upload_to=_percorso_foto, width_field="larghezza", height_field="altezza"
    )
    larghezza = models.PositiveIntegerField(default=0, editable=False)
    altezza = models.PositiveIntegerField(default=0, editable=False)
    testo_alternativo = models.CharField(
        _("testo alternativo"), max_length=250, help_text=_("Descrive l'immagine a chi non la vede.")
    )
    didascalia = models.CharField(_("didascalia"), max_length=250, blank=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    caricata_il = models.DateTimeField(_("caricata il"), auto_now_add=True)

    class Meta:
        ordering = ["ordine", "id"]
        verbose_name = _("foto del progetto")
        verbose_name_plural = _("foto del progetto")

    def __str__(self) -> str:
        return self.testo_alternativo
