"""The territory: the seven districts (distretti), the 55 comuni and the schools of the registry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar, Self

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alternanza.core.ricerca import indici_di_ricerca
from alternanza.core.tipi import Utente
from alternanza.core.vincoli import CampiDeiVincoli

# Position of each district in the schematic map of the elenco page (CSS grid areas, roughly north up).
AREE_MAPPA: dict[str, str] = {
    "pianura-ovest": "po",
    "pianura-est": "pe",
    "reno-lavino-e-samoggia": "rls",
    "bologna": "bo",
    "san-lazzaro-di-savena": "sl",
    "imola": "im",
    "appennino-bolognese": "ap",
}

# Each district's colour and line pattern, the same in every chart, legend and map of the portal (reports,
# dashboard, district list). Every colour has a contrast of at least 4.5:1 with white (white text on it
# is readable, and as a line or bar on white it passes the 3:1 of graphical objects); the pattern tells
# the lines apart without colour (SVG stroke-dasharray; "" = solid), and charts always name the district.
# frontend/scss/portale/_territorio.scss repeats the colours for the map (a test keeps them equal).
COLORI_DISTRETTI: dict[str, tuple[str, str]] = {
    "bologna": ("#003366", ""),
    "pianura-est": ("#0066CC", "9 4"),
    "pianura-ovest": ("#008055", "2 3"),
    "reno-lavino-e-samoggia": ("#A66300", "12 4 2 4"),
    "san-lazzaro-di-savena": ("#D1344C", "6 2 2 2"),
    "imola": ("#5C2F8C", "4 4"),
    "appennino-bolognese": ("#0F7A8A", "10 3 3 3 3 3"),
}
COLORE_ALTRO_DISTRETTO = ("#5D7083", "1 2")


class Distretto(models.Model):
    """A socio-sanitary district of the Città metropolitana, with its technical office."""

    nome = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    ufficio_nome = models.CharField(_("ufficio tecnico"), max_length=200, blank=True)
    ufficio_email = models.EmailField(_("e-mail dell'ufficio tecnico"), blank=True)
    ufficio_telefono = models.CharField(_("telefono dell'ufficio tecnico"), max_length=40, blank=True)
    ufficio_indirizzo = models.CharField(_("indirizzo dell'ufficio tecnico"), max_length=200, blank=True)
    organi_governance = models.TextField(
        _("organi di governance"),
        blank=True,
        help_text=_("Conferenza territoriale, Ufficio di Piano e altri organi del distretto."),
    )
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("distretto")
        verbose_name_plural = _("distretti")

    def __str__(self) -> str:
        return self.nome

    def get_absolute_url(self) -> str:
        return reverse("distretti:dettaglio", kwargs={"slug": self.slug})

    @property
    def area_mappa(self) -> str:
        """The district's grid area in the schematic map of the district list ("" if not drawn)."""
        return AREE_MAPPA.get(self.slug, "")

    @property
    def colore(self) -> str:
        """The district's colour in charts, legends and the map (COLORI_DISTRETTI)."""
        return COLORI_DISTRETTI.get(self.slug, COLORE_ALTRO_DISTRETTO)[0]

    @property
    def tratteggio(self) -> str:
        """The district's line pattern in charts (SVG stroke-dasharray, "" = solid line)."""
        return COLORI_DISTRETTI.get(self.slug, COLORE_ALTRO_DISTRETTO)[1]


class Comune(models.Model):
    """A comune of the Città metropolitana; its district decides where its schools belong."""

    codice_istat = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    codice_catastale = models.CharField(_("codice catastale"), max_length=4, unique=True)
    nome = models.CharField(_("nome"), max_length=100)
    distretto = models.ForeignKey(
        Distretto, on_delete=models.PROTECT, related_name="comuni", verbose_name=_("distretto")
    )

    class Meta:
        ordering = ["nome"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")

    def __str__(self) -> str:
        return self.nome


class Livello(models.TextChoices):
    """Level of education, derived from the registry's tipologia (used to filter schools)."""

    INFANZIA = "infanzia", _("Scuola dell'infanzia")
    PRIMARIA = "primaria", _("Scuola primaria")
    PRIMO_GRADO = "primo_grado", _("Secondaria di primo grado")
    SECONDO_GRADO = "secondo_grado", _("Secondaria di secondo grado")
    COMPRENSIVO = "comprensivo", _("Istituto comprensivo")
    ALTRO = "altro", _("Altro (istruzione degli adulti, convitti…)")

    @classmethod
    def da_tipologia(cls, tipologia: str) -> Livello:
        """Map the Ministry's DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA to a level."""
        t = tipologia.upper()
        for chiavi, livello in _CHIAVI_LIVELLO:
            if any(k in t for k in chiavi):
                return livello
        return cls.ALTRO


# Checked in order: "ISTITUTO COMPRENSIVO" before the generic words, "PRIMO GRADO" before "PRIMARIA".
_CHIAVI_LIVELLO = [
    (("COMPRENSIVO",), Livello.COMPRENSIVO),
    (("INFANZIA", "MATERNA"), Livello.INFANZIA),
    (("PRIMO GRADO", "I GRADO"), Livello.PRIMO_GRADO),
    (("PRIMARIA", "CIRCOLO DIDATTICO", "ELEMENTARE"), Livello.PRIMARIA),
    (
        (
            "SECONDO GRADO",
            "II GRADO",
            "LICEO",
            "ISTITUTO TECNICO",
            "IST TEC",
            "IST. TEC",
            "PROFESSIONALE",
            "IST PROF",
            "IST. PROF",
            "ISTITUTO SUPERIORE",
            "ISTITUTO D'ARTE",
            "MAGISTRALE",
        ),
        Livello.SECONDO_GRADO,
    ),
]


def _anno_scolastico(valore: int | None) -> str:
    """202324 → "2023/24"; empty for anything else."""
    testo = str(valore or "")
    return f"{testo[:4]}/{testo[4:]}" if len(testo) == 6 else ""


class ScuolaQuerySet(models.QuerySet):
    def attive(self):
        return self.filter(attiva=True)

    def del_distretto(self, distretto):
        return self.filter(comune__distretto=distretto)

    def visibili_a(self, user: Utente) -> Self:
        """Active schools for everyone; also the inactive ones for staff and their district's office."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        return self.filter(
            models.Q(attiva=True) | models.Q(comune__distretto_id__in=ambito.distretti_ufficio)
        )

    def sceglibili_da(self, user: Utente) -> Self:
        """Schools the user may name as a party (convenzioni, agreements, partnerships): any visible one
        for staff and district offices, only their own schools for coordinators, none for anyone else."""
        ambito = ambito_di(user)
        if ambito.staff or ambito.ufficio_distretto:
            return self.visibili_a(user)
        return self.filter(pk__in=ambito.scuole)


class Scuola(models.Model):
    """A school (sede) of the Ministry's registry, identified by its codice meccanografico."""

    codice_meccanografico = models.CharField(_("codice meccanografico"), max_length=10, unique=True)
    # Shown everywhere: the registry's name made readable (distretti.nomi). The raw text is kept below for
    # matching and search, and in ScuolaNome for each registry year.
    denominazione = models.CharField(_("denominazione"), max_length=255)
    denominazione_anagrafe = models.CharField(
        _("denominazione nell'anagrafe"),
        max_length=255,
        blank=True,
        help_text=_(
            "Il testo come nel file del Ministero (spesso in maiuscolo), usato per riconoscerla "
            "nelle importazioni."
        ),
    )
    indirizzo = models.CharField(_("indirizzo"), max_length=255, blank=True)
    cap = models.CharField(_("CAP"), max_length=5, blank=True)
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="scuole", verbose_name=_("comune")
    )
    grado = models.CharField(
        _("grado / tipologia"),
        max_length=120,
        blank=True,
        help_text=_("Tipologia e grado di istruzione come nell'anagrafe del Ministero."),
    )
    livello = models.CharField(
        _("livello"), max_length=20, choices=Livello.choices, default=Livello.ALTRO, db_index=True
    )
    statale = models.BooleanField(_("statale"), default=False)
    codice_istituto_riferimento = models.CharField(
        _("codice istituto di riferimento"), max_length=10, blank=True
    )
    denominazione_istituto_riferimento = models.CharField(
        _("istituto di riferimento"), max_length=255, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    sito_web = models.CharField(_("sito web"), max_length=255, blank=True)
    attiva = models.BooleanField(_("attiva"), default=True)
    ultimo_anno_anagrafe = models.PositiveIntegerField(
        _("ultimo anno nell'anagrafe"),
        null=True,
        blank=True,
        help_text=_("Anno scolastico dell'ultimo file dell'anagrafe che contiene la scuola, es. 202324."),
    )
    studenti = models.PositiveIntegerField(
        _("studenti iscritti"), null=True, blank=True, help_text=_("Numero complessivo, se noto.")
    )
    # The Ministry's open data of student numbers write "<=3" for very small counts (privacy mask): the
    # count is then unknown but small, stored as studenti=None with this flag (never guessed as 0 or 3).
    studenti_mascherati = models.BooleanField(
        _("studenti non più di 3 (dato oscurato)"),
        default=False,
        help_text=_("Il Ministero oscura i numeri da 1 a 3 per riservatezza («<=3»)."),
    )
    studenti_anno = models.PositiveIntegerField(
        _("anno del numero di studenti"),
        null=True,
        blank=True,
        help_text=_("Anno scolastico dei dati aperti del Ministero da cui viene il numero, es. 202425."),
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = ScuolaQuerySet.as_manager()

    class Meta:
        ordering = ["denominazione"]
        verbose_name = _("scuola")
        verbose_name_plural = _("scuole")
        indexes = [
            models.Index(fields=["comune", "grado"], name="scuola_comune_grado_idx"),
            *indici_di_ricerca("scuola_denominazione", testi=("denominazione",), nome="denominazione"),
        ]

    def __str__(self) -> str:
        return f"{self.denominazione} ({self.codice_meccanografico})"

    def get_absolute_url(self) -> str:
        return reverse("distretti:scuola", kwargs={"codice": self.codice_meccanografico})

    @property
    def distretto(self) -> Distretto:
        return self.comune.distretto

    @property
    def studenti_anno_scolastico(self) -> str:
        """The school year of the Ministry's student count, as 2024/25 (empty when not from the Ministry)."""
        return _anno_scolastico(self.studenti_anno)

    @property
    def anagrafe_anno_scolastico(self) -> str:
        """The school year of the newest registry file that lists the school, as 2023/24."""
        return _anno_scolastico(self.ultimo_anno_anagrafe)

    @property
    def sito_url(self) -> str:
        """The website as a link (the registry often omits the scheme); empty if it is not http(s)."""
        sito = self.sito_web.strip()
        if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?", sito):
            return f"https://{sito}"
        return sito if re.match(r"https?://[A-Za-z0-9-]+\.", sito, re.IGNORECASE) else ""


class ScuolaNome(CampiDeiVincoli, models.Model):
    """A name a school had in a registry year: the history of names is kept across imports."""

    scuola = models.ForeignKey(Scuola, on_delete=models.CASCADE, related_name="storico_nomi")
    denominazione = models.CharField(_("denominazione"), max_length=255)
    anno_anagrafe = models.PositiveIntegerField(_("anno dell'anagrafe"))

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "scuolanome_unica_per_anno": "anno_anagrafe",
    }

    class Meta:
        ordering = ["anno_anagrafe"]
        verbose_name = _("denominazione storica")
        verbose_name_plural = _("denominazioni storiche")
        constraints = [
            models.UniqueConstraint(
                fields=["scuola", "anno_anagrafe"],
                name="scuolanome_unica_per_anno",
                violation_error_code="scuolanome_unica_per_anno",
                violation_error_message=_(
                    "Questa scuola ha già una denominazione per quell'anno dell'anagrafe."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.denominazione} ({self.anno_anagrafe})"


class AmbitoTematico(models.Model):
    """A thematic area of the network (the seed's list): the classification used by every app."""

    nome = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("ambito tematico")
        verbose_name_plural = _("ambiti tematici")

    def __str__(self) -> str:
        # The names come from a data migration; their English is in the project catalog
        # (alternanza/vocabolari.py). A name edited in the admin and not in the catalog stays as written.
        return gettext(self.nome) if self.nome else ""


class StatoIncarico(models.TextChoices):
    """Lifecycle of a requested role: nothing is active until someone entitled approves it."""

    RICHIESTO = "richiesto", _("in attesa di approvazione")
    APPROVATO = "approvato", _("approvato")
    RIFIUTATO = "rifiutato", _("rifiutato")
    REVOCATO = "revocato", _("revocato")


class IncaricoQuerySet(models.QuerySet):
    def approvati(self):
        return self.filter(stato=StatoIncarico.APPROVATO)

    def in_attesa(self):
        return self.filter(stato=StatoIncarico.RICHIESTO)


# Audit trail (trigger-based: it also records bulk QuerySet.update()); see alternanza/utenti/storico.py.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Incarico(models.Model):
    """A role held (or requested) by a user, scoped to a school, a district or the whole network.

    Roles are data: every permission of the portal derives from approved rows of this table (and, for
    organisation contacts, from partnership.ReferenteOrganizzazione). See distretti.permissions.
    """

    class Ruolo(models.TextChoices):
        REFERENTE_SCUOLA = "scuola", _("Referente scolastico")
        UFFICIO_DISTRETTO = "distretto", _("Ufficio tecnico distrettuale")
        STAFF = "staff", _("Staff Città metropolitana")

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incarichi", verbose_name=_("utente")
    )
    ruolo = models.CharField(_("ruolo"), max_length=20, choices=Ruolo.choices)
    scuola = models.ForeignKey(
        Scuola,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incarichi",
        verbose_name=_("scuola"),
    )
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incarichi",
        verbose_name=_("distretto"),
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
        related_name="incarichi_decisi",
        verbose_name=_("deciso da"),
    )
    # Name snapshot: the decision keeps its author's name if that account is deleted (GDPR).
    deciso_da_nome = models.CharField(_("deciso da (nome)"), max_length=300, blank=True)
    deciso_il = models.DateTimeField(_("deciso il"), null=True, blank=True)
    nota = models.TextField(_("nota"), blank=True)

    objects = IncaricoQuerySet.as_manager()

    class Meta:
        ordering = ["-richiesto_il"]
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        constraints = [
            models.CheckConstraint(
                name="incarico_ambito_coerente",
                violation_error_code="incarico_ambito_coerente",
                violation_error_message=_(
                    "Indica la scuola per il referente scolastico, il distretto per l'ufficio distrettuale "
                    "e nessuno dei due per lo staff."
                ),
                condition=(
                    models.Q(ruolo="scuola", scuola__isnull=False, distretto__isnull=True)
                    | models.Q(ruolo="distretto", scuola__isnull=True, distretto__isnull=False)
                    | models.Q(ruolo="staff", scuola__isnull=True, distretto__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["utente", "ruolo", "scuola", "distretto"],
                name="incarico_unico",
                violation_error_code="incarico_unico",
                violation_error_message=_(
                    "Questo ruolo è già stato chiesto o assegnato per lo stesso ambito."
                ),
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        oggetto = self.scuola or self.distretto or _("Città metropolitana")
        return f"{self.get_ruolo_display()} – {oggetto}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ruolo == self.Ruolo.REFERENTE_SCUOLA and not self.scuola_id:
            raise ValidationError({"scuola": _("Indica la scuola per cui chiedi il ruolo.")})
        if self.ruolo == self.Ruolo.UFFICIO_DISTRETTO and not self.distretto_id:
            raise ValidationError({"distretto": _("Indica il distretto per cui chiedi il ruolo.")})


# --- Who acts where: the scope of a user (taken by the apps from distretti.permissions) -----------------

_CACHE_ATTR = "_ambito_rete_cache"


@dataclass(frozen=True)
class Ambito:
    autenticato: bool = False
    staff: bool = False
    distretti_ufficio: frozenset[int] = field(default_factory=frozenset)
    scuole: frozenset[int] = field(default_factory=frozenset)
    # Districts of the schools the user coordinates (a coordinator sees its own district's network).
    distretti_scuole: frozenset[int] = field(default_factory=frozenset)

    @property
    def ufficio_distretto(self) -> bool:
        return bool(self.distretti_ufficio)

    @property
    def referente_scuola(self) -> bool:
        return bool(self.scuole)

    @property
    def ha_ruolo(self) -> bool:
        return self.staff or self.ufficio_distretto or self.referente_scuola

    def vede_distretto(self, distretto_id: int) -> bool:
        """Whether the user may see the non-public records of this district."""
        return self.staff or distretto_id in self.distretti_ufficio


ANONIMO = Ambito()


def ambito_di(user: Utente | None) -> Ambito:
    """The user's approved scope, computed with one query and cached on the user object."""
    if user is None or not user.is_authenticated:
        return ANONIMO
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    righe = Incarico.objects.filter(utente=user, stato=StatoIncarico.APPROVATO).values_list(
        "ruolo", "scuola_id", "distretto_id", "scuola__comune__distretto_id"
    )
    staff = bool(getattr(user, "is_superuser", False))
    distretti: set[int] = set()
    scuole: set[int] = set()
    distretti_scuole: set[int] = set()
    for ruolo, scuola_id, distretto_id, distretto_scuola_id in righe:
        if ruolo == Incarico.Ruolo.STAFF:
            staff = True
        elif ruolo == Incarico.Ruolo.UFFICIO_DISTRETTO:
            distretti.add(distretto_id)
        elif ruolo == Incarico.Ruolo.REFERENTE_SCUOLA:
            scuole.add(scuola_id)
            distretti_scuole.add(distretto_scuola_id)
    ambito = Ambito(
        autenticato=True,
        staff=staff,
        distretti_ufficio=frozenset(distretti),
        scuole=frozenset(scuole),
        distretti_scuole=frozenset(distretti_scuole),
    )
    setattr(user, _CACHE_ATTR, ambito)
    return ambito


def dimentica_ambito(user: Utente) -> None:
    """Drop the cached scope (after a role changes within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
