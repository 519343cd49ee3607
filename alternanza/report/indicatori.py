"""The indicators of the governance reports and of the staff dashboard: what each figure counts, and its
computation.

Every figure is an ORM aggregate over one base queryset, the counted projects of the selection in the
current and the previous school year (`ProgettoQuerySet.convalidati`), or over the host placements of
those projects; the sums per district are `ProgettoQuerySet.statistiche_per_distretto`, shared with the
office statistics and the open data. No project row reaches Python and the number of queries does not
depend on the data; the caller reads them in one snapshot (rendering.dati), so the tables agree.
`calcola(anno, distretto=None, ambito=None, livello=None)` returns one `Indicatori` with a row per district
(current year, previous year and the change), the network total, the trend of the headline indicators over
the last ANNI_TENDENZA school years (same queries: the years are one more GROUP BY key), and the tables of
the report (S3 areas, thematic areas, flows between districts, coverage gaps, bounded top lists).

Method (printed in the report's notes):
- A project counts when the district office validated it (states validato, pubblicato, in_corso,
  concluso, archiviato: ProgettoQuerySet.convalidati).
- Students are participations: a student in two projects counts twice (the portal stores counts only).
- Placements are (project, host organisation) pairs with role "ospitante".
- The school year runs from 1 September to 31 August; actions, technical assistance and agreements
  count in a year when their dates fall in (or span) it.
- A school level selects the projects of schools of that level; actions, assistance and agreements have
  no school level, so under a level selection they are "not available" (None), never a wrong number.
- The trend covers the ANNI_TENDENZA consecutive school years ending with the selected one. A year in
  which the portal holds no counted project at all has "no data" (None, printed "nessun dato"), never 0:
  0 means that the data exist and the selection has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Model, Q, QuerySet, Sum
from django.db.models.fields.related_descriptors import ManyToManyDescriptor
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_precedente
from alternanza.progetti.models import (
    AssistenzaTecnica,
    AzioneDiRete,
    Progetto,
    ProgettoOrganizzazione,
    ProgettoQuerySet,
)
from distretti.models import AmbitoTematico, Comune, Distretto, Livello, Scuola
from partnership.models import Accordo, AreaS3, Organizzazione, Partnership

# A project is "technical-scientific" when it is linked to an S3 area or to one of these thematic areas.
AMBITI_TECNICI = ("cultura-tecnica-primaria-secondaria", "allineamento-s3", "gap-di-genere")
STATI_ACCORDO_ATTIVO = (Accordo.Stato.FIRMATO, Accordo.Stato.RINNOVATO)
TOP_N = 25
MAX_RIGHE_ELENCO = 30  # longer lists go to the annex (XLSX) only
ORDINE_ELENCO = ("-studenti_totale", "-ore_svolte", "pk")  # the report's list of the largest projects
ANNI_TENDENZA = 5
# The headline indicators followed over the years (report, dashboard, executive summary).
TENDENZA = ("progetti", "studenti", "ore", "organizzazioni_ospitanti", "quota_ragazze", "allineamento_s3")
# Measures of actions, assistance and agreements: they have no school level.
MISURE_DI_RETE = ("azioni_interdistrettuali", "ore_assistenza", "accordi_attivi")

# The indicators of a district row, in the order of the tables; "più alto è meglio" drives the arrows.
CHIAVI = (
    "progetti",
    "studenti",
    "quota_ragazze",
    "quota_straniera",
    "ore",
    "quota_sicurezza",
    "organizzazioni_ospitanti",
    "azioni_interdistrettuali",
    "ore_assistenza",
    "accordi_attivi",
    "partecipazione_1000",
    "allineamento_s3",
    "quota_ragazze_tecnici",
    "divario_genere_tecnici",
    "comuni_senza_progetti",
    "scuole_senza_progetti",
)


ETICHETTE = {
    "progetti": _("Progetti"),
    "studenti": _("Studenti coinvolti"),
    "quota_ragazze": _("Quota di ragazze"),
    "quota_straniera": _("Quota di origine straniera"),
    "ore": _("Ore svolte"),
    "quota_sicurezza": _("Progetti con formazione sulla sicurezza"),
    "organizzazioni_ospitanti": _("Organizzazioni ospitanti"),
    "azioni_interdistrettuali": _("Azioni interdistrettuali"),
    "ore_assistenza": _("Ore di assistenza tecnica"),
    "accordi_attivi": _("Accordi attivi"),
    "partecipazione_1000": _("Partecipazioni per 1.000 studenti"),
    "allineamento_s3": _("Inserimenti in aree S3 prioritarie"),
    "quota_ragazze_tecnici": _("Ragazze nei progetti tecnico-scientifici"),
    "divario_genere_tecnici": _("Divario di genere nei progetti tecnico-scientifici (punti)"),
    "comuni_senza_progetti": _("Comuni senza progetti"),
    "scuole_senza_progetti": _("Scuole secondarie di II grado senza progetti"),
}
# Indicators expressed as a percentage (their change is in percentage points).
PERCENTUALI = frozenset(
    {"quota_ragazze", "quota_straniera", "quota_sicurezza", "allineamento_s3", "quota_ragazze_tecnici"}
)
# Indicators where a lower value is the better one.
MEGLIO_BASSO = frozenset({"divario_genere_tecnici", "comuni_senza_progetti", "scuole_senza_progetti"})


def colonne(*chiavi: str) -> list[dict]:
    """Column descriptions of a table of indicators (label, percentage or not, lower is better)."""
    return [
        {"chiave": k, "etichetta": ETICHETTE[k], "perc": k in PERCENTUALI, "meglio_basso": k in MEGLIO_BASSO}
        for k in chiavi
    ]


def periodo(anno: str) -> tuple[date, date]:
    """First and last day of a school year ("2025/26" → 1 Sept 2025 … 31 Aug 2026)."""
    inizio = int(anno[:4])
    return date(inizio, 9, 1), date(inizio + 1, 8, 31)


def progetti_contati(
    anno: str,
    distretto: Distretto | None = None,
    ambito: AmbitoTematico | None = None,
    livello: str | None = None,
) -> ProgettoQuerySet:
    """The counted projects of a selection in a school year (the rows of the report's annex, and the list
    a dashboard figure drills down to)."""
    return _selezione(Progetto.objects.convalidati().filter(anno_scolastico=anno), distretto, ambito, livello)


def anni_tendenza(anno: str) -> list[str]:
    """The ANNI_TENDENZA school years ending with `anno`, oldest first."""
    anni = [anno]
    while len(anni) < ANNI_TENDENZA:
        anni.append(anno_precedente(anni[-1]))
    return anni[::-1]


def _selezione(
    progetti: ProgettoQuerySet,
    distretto: Distretto | None,
    ambito: AmbitoTematico | None,
    livello: str | None = None,
) -> ProgettoQuerySet:
    if distretto is not None:
        progetti = progetti.filter(distretto=distretto)
    if livello:
        progetti = progetti.filter(scuola__livello=livello)
    if ambito is not None:
        # A subquery rather than a join, so that the aggregates over the selection count each project once.
        nell_ambito = Progetto.ambiti.through.objects.filter(ambitotematico=ambito)
        progetti = progetti.filter(pk__in=nell_ambito.values("progetto_id"))
    return progetti


def _quota(parte: float | None, totale: float | None) -> float | None:
    if not totale:
        return None
    return round(100.0 * float(parte or 0) / float(totale), 1)


@dataclass
class Misure:
    """Raw sums of one district (or the whole selection) in one year."""

    progetti: int = 0
    studenti_totale: int = 0
    studenti_ragazze: int = 0
    studenti_origine_straniera: int = 0
    studenti_con_sostegno: int = 0
    studenti_con_formazione_sicurezza: int = 0
    ore_svolte: int = 0
    progetti_sicurezza: int = 0
    tecnici_studenti: int = 0
    tecnici_ragazze: int = 0
    studenti_scuole_note: int = 0
    iscritti_noti: int = 0
    inserimenti: int = 0
    inserimenti_s3: int = 0
    comuni: int = 0
    comuni_con_progetti: int = 0
    scuole_secondarie: int = 0
    secondarie_con_progetti: int = 0
    # Distinct records: the network total is counted apart, not summed over the districts.
    organizzazioni_ospitanti: int = 0
    azioni_interdistrettuali: int = 0
    accordi_attivi: int = 0
    ore_assistenza: Decimal = Decimal(0)
    # False under a school-level selection: actions, assistance and agreements have no level.
    rete: bool = True

    def aggiorna(self, riga: dict) -> None:
        for nome, valore in riga.items():
            setattr(self, nome, valore)

    def aggiungi(self, riga: dict) -> None:
        """Add the values of `riga` to the measures (a district read in more than one row)."""
        for nome, valore in riga.items():
            setattr(self, nome, getattr(self, nome) + valore)

    @classmethod
    def somma(cls, parti: list[Misure]) -> Misure:
        """The sum of the additive measures (the distinct ones are left to the caller)."""
        distinti = {
            "organizzazioni_ospitanti",
            "azioni_interdistrettuali",
            "accordi_attivi",
            "ore_assistenza",
            "rete",
        }
        return cls(
            **{f.name: sum(getattr(m, f.name) for m in parti) for f in fields(cls) if f.name not in distinti}
        )

    def valori(self) -> dict:
        studenti, ragazze = self.studenti_totale, self.studenti_ragazze
        ragazzi_tecnici = self.tecnici_studenti - self.tecnici_ragazze
        return {
            "progetti": self.progetti,
            "studenti": studenti,
            "ragazze": ragazze,
            "quota_ragazze": _quota(ragazze, studenti),
            "quota_straniera": _quota(self.studenti_origine_straniera, studenti),
            "ore": self.ore_svolte,
            "quota_sicurezza": _quota(self.progetti_sicurezza, self.progetti),
            "organizzazioni_ospitanti": self.organizzazioni_ospitanti,
            "azioni_interdistrettuali": self.azioni_interdistrettuali if self.rete else None,
            "ore_assistenza": float(self.ore_assistenza or 0) if self.rete else None,
            "accordi_attivi": self.accordi_attivi if self.rete else None,
            "partecipazione_1000": (
                round(1000.0 * self.studenti_scuole_note / self.iscritti_noti, 1)
                if self.iscritti_noti
                else None
            ),
            "allineamento_s3": _quota(self.inserimenti_s3, self.inserimenti),
            "quota_ragazze_tecnici": _quota(self.tecnici_ragazze, self.tecnici_studenti),
            # Boys' share minus girls' share among the students of technical projects, in points.
            "divario_genere_tecnici": (
                round(100.0 * (ragazzi_tecnici - self.tecnici_ragazze) / self.tecnici_studenti, 1)
                if self.tecnici_studenti
                else None
            ),
            "comuni_senza_progetti": self.comuni - self.comuni_con_progetti,
            "scuole_senza_progetti": self.scuole_secondarie - self.secondarie_con_progetti,
        }


def _variazioni(att: dict, prec: dict) -> dict:
    delta = {}
    for chiave in CHIAVI:
        a, p = att.get(chiave), prec.get(chiave)
        delta[chiave] = None if a is None or p is None else round(a - p, 1)
    return delta


@dataclass
class RigaDistretto:
    distretto: Distretto | None
    att: dict
    prec: dict
    delta: dict

    @property
    def nome(self) -> str:
        return self.distretto.nome if self.distretto else "Totale"


@dataclass
class Tendenza:
    """The headline indicators (TENDENZA) per school year, oldest first, for each district of the
    selection and for its total. A year without data (`con_dati` False) has None instead of the values."""

    anni: list[str]
    con_dati: list[bool]
    righe: list[tuple[Distretto, list[dict | None]]]
    totale: list[dict | None]

    @property
    def anni_senza_dati(self) -> list[str]:
        return [a for a, c in zip(self.anni, self.con_dati, strict=True) if not c]


@dataclass
class Indicatori:
    anno: str
    anno_precedente: str
    distretto: Distretto | None
    ambito: AmbitoTematico | None
    calcolati_il: datetime
    righe: list[RigaDistretto]
    totale: RigaDistretto
    tendenza: Tendenza
    livello: str | None = None
    aree_s3: list[dict] = field(default_factory=list)
    ambiti: list[dict] = field(default_factory=list)
    flussi: dict = field(default_factory=dict)
    comuni_senza_progetti: list[Mapping[str, Any]] = field(default_factory=list)
    scuole_senza_progetti: list[Mapping[str, Any]] = field(default_factory=list)
    scuole_senza_progetti_totale: int = 0
    top_organizzazioni: list[Mapping[str, Any]] = field(default_factory=list)
    top_scuole: list[Mapping[str, Any]] = field(default_factory=list)
    elenco_progetti: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def distretti(self) -> list[Distretto]:
        return [r.distretto for r in self.righe if r.distretto is not None]


def accordi_attivi(anno: str) -> QuerySet[Accordo]:
    """Agreements signed or renewed whose validity overlaps the school year."""
    inizio, fine = periodo(anno)
    return Accordo.objects.filter(stato__in=STATI_ACCORDO_ATTIVO).filter(
        Q(valido_dal__isnull=True) | Q(valido_dal__lte=fine),
        Q(valido_al__isnull=True) | Q(valido_al__gte=inizio),
    )


def _per_distretto(relazione: ManyToManyDescriptor[Any, Any], qs: QuerySet[Model]) -> dict[int, int]:
    """How many distinct records of `qs` involve each district, through the many-to-many `relazione`."""
    campo = relazione.field.m2m_field_name()  # the through table's column of the record
    righe = relazione.through._default_manager.filter(**{f"{campo}__in": qs.values("pk")})
    return dict(righe.values_list("distretto_id").annotate(Count(f"{campo}_id", distinct=True)).order_by())


def _misure_rete(anno: str, distretto: Distretto | None, ambito: AmbitoTematico | None) -> dict:
    """Actions, technical assistance and agreements of a year: {measure: {district id: n}, "totali": …}."""
    inizio, fine = periodo(anno)
    azioni = AzioneDiRete.objects.filter(livello=AzioneDiRete.Livello.INTERDISTRETTUALE).filter(
        Q(data_inizio__range=(inizio, fine))
        | Q(data_inizio__lt=inizio, data_fine__gte=inizio)
        | Q(data_inizio__lt=inizio, data_fine__isnull=True, stato=AzioneDiRete.Stato.IN_CORSO)
        | Q(data_inizio__isnull=True, creata_il__date__range=(inizio, fine))
    )
    assistenze = AssistenzaTecnica.objects.filter(data__range=(inizio, fine))
    accordi = accordi_attivi(anno)
    if distretto is not None:
        azioni = azioni.filter(distretti=distretto)
        assistenze = assistenze.filter(distretto=distretto)
        accordi = accordi.filter(distretti=distretto)
    if ambito is not None:
        azioni = azioni.filter(ambiti=ambito)
        assistenze = assistenze.filter(azione__ambiti=ambito)
    ore = assistenze.values_list("distretto_id").annotate(Sum("ore", default=Decimal(0))).order_by()
    return {
        "azioni_interdistrettuali": _per_distretto(AzioneDiRete.distretti, azioni),
        "ore_assistenza": dict(ore),
        "accordi_attivi": _per_distretto(Accordo.distretti, accordi),
        # An action or agreement involving several districts counts once in the total.
        "totali": {
            "azioni_interdistrettuali": azioni.values("pk").distinct().count(),
            "ore_assistenza": assistenze.aggregate(t=Sum("ore", default=Decimal(0)))["t"],
            "accordi_attivi": accordi.values("pk").distinct().count(),
        },
    }


def _con_totale(righe: QuerySet) -> list[dict]:
    """The rows of an aggregate `values(a, d).annotate(...)` grouped by (a, d), and also by `a` alone, with
    `d` None (the whole selection), from one query: GROUP BY GROUPING SETS ((a, d), (a)).

    For distinct counts (host organisations), which cannot be summed over the districts: a second query
    for the total read the same placements again (about 90 ms of each pair on the large data). Django has
    no grouping sets, so the GROUP BY of the compiled query, which Django writes by position on
    PostgreSQL, is rewritten; any other shape raises. `d` (a project's district) is never NULL in the data,
    so None marks the total rows.
    """
    sql, params = righe.query.sql_with_params()
    per_posizione = " GROUP BY 1, 2"
    if not sql.endswith(per_posizione):
        raise ValueError(f"Aggregato non raggruppato per due chiavi: {sql[-80:]}")
    with connections[righe.db].cursor() as cursor:
        cursor.execute(sql.removesuffix(per_posizione) + " GROUP BY GROUPING SETS ((1, 2), (1))", params)
        nomi = [c.name for c in cursor.description]
        return [dict(zip(nomi, riga, strict=True)) for riga in cursor.fetchall()]


def _inserimenti(progetti: QuerySet[Progetto]) -> QuerySet[Progetto]:
    """The host placements of `progetti`: one row per (project, host organisation) pair, so that the
    aggregates over "partecipazioni__…" count placements and the project's own fields are at hand.

    Read from the projects' side with one join, not as placements whose project is `progetto__in` the
    selection: that form scans the projects twice (a semi-join for the filter, a join for the district
    and the year), which on the large data was about a third of each placement query's time.
    """
    return progetti.filter(partecipazioni__ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE)


def _misure(
    anni: tuple[str, ...],
    distretti: list[Distretto],
    distretto: Distretto | None,
    ambito: AmbitoTematico | None,
    livello: str | None = None,
    anni_rete: tuple[str, ...] = (),
) -> dict[str, tuple[dict[int, Misure], Misure]]:
    """Raw measures per district id and for the whole selection, per year: {anno: (per, totale)}.

    The project measures of all `anni` come from the same queries (the year is a GROUP BY key); the
    measures of actions, assistance and agreements are read for `anni_rete` only (the tables compare
    two years; the trend follows the project measures).
    """
    progetti = _selezione(
        Progetto.objects.convalidati().filter(anno_scolastico__in=anni), distretto, ambito, livello
    )
    per: dict[str, defaultdict[int, Misure]] = {anno: defaultdict(Misure) for anno in anni}
    # A project is "technical" when it has an S3 area or one of the AMBITI_TECNICI. The flag is one more
    # GROUP BY key, computed once per project: as the filter of the two sums of the technical projects'
    # students it was evaluated twice, and PostgreSQL built four hashed subplans in every parallel worker
    # (most of the query's time on the large data). Each district then has up to two rows, summed here.
    tecnico = ExpressionWrapper(
        Q(pk__in=Progetto.aree_s3.through.objects.values("progetto_id"))
        | Q(
            pk__in=Progetto.ambiti.through.objects.filter(ambitotematico__slug__in=AMBITI_TECNICI).values(
                "progetto_id"
            )
        ),
        output_field=BooleanField(),
    )
    for r in progetti.annotate(tecnico=tecnico).statistiche_per_distretto(
        "anno_scolastico",
        "tecnico",
        progetti_sicurezza=Count("id", filter=Q(sicurezza_svolta=True)),
        studenti_scuole_note=Sum("studenti_totale", filter=Q(scuola__studenti__gt=0), default=0),
    ):
        misure = per[r.pop("anno_scolastico")][r.pop("distretto_id")]
        if r.pop("tecnico"):
            misure.aggiungi(
                {"tecnici_studenti": r["studenti_totale"], "tecnici_ragazze": r["studenti_ragazze"]}
            )
        misure.aggiungi(r)
    # Coverage, by the district of the school's comune: comuni and active secondary schools reached.
    secondaria = Q(scuola__attiva=True, scuola__livello=Livello.SECONDO_GRADO)
    for r in (
        progetti.values("anno_scolastico", d=F("scuola__comune__distretto_id"))
        .annotate(
            comuni_con_progetti=Count("scuola__comune_id", distinct=True),
            secondarie_con_progetti=Count("scuola_id", distinct=True, filter=secondaria),
        )
        .order_by()
    ):
        per[r.pop("anno_scolastico")][r.pop("d")].aggiorna(r)
    # Placements; aligned = the host or the project in a priority S3 area.
    inserimenti = _inserimenti(progetti).values("anno_scolastico")
    allineato = Q(
        partecipazioni__organizzazione__in=Organizzazione.aree_s3.through.objects.filter(
            areas3__prioritaria=True
        ).values("organizzazione_id")
    ) | Q(pk__in=Progetto.aree_s3.through.objects.filter(areas3__prioritaria=True).values("progetto_id"))
    # Distinct hosts cannot be summed over the districts: the year's total is its own grouping set.
    ospitanti: dict[str, int] = {}
    for r in _con_totale(
        inserimenti.values("anno_scolastico", d=F("distretto_id")).annotate(
            organizzazioni_ospitanti=Count("partecipazioni__organizzazione_id", distinct=True),
            inserimenti=Count("partecipazioni"),
            inserimenti_s3=Count("partecipazioni", filter=allineato),
        )
    ):
        anno, d = r.pop("anno_scolastico"), r.pop("d")
        if d is None:
            ospitanti[anno] = r["organizzazioni_ospitanti"]
        else:
            per[anno][d].aggiorna(r)
    # What the schools of each district are, whatever the year.
    scuole = Scuola.objects.all() if distretto is None else Scuola.objects.filter(comune__distretto=distretto)
    scuole_per_distretto = {
        r.pop("d"): r
        for r in scuole.values(d=F("comune__distretto_id"))
        .annotate(
            scuole_secondarie=Count("id", filter=Q(attiva=True, livello=Livello.SECONDO_GRADO)),
            iscritti_noti=Sum("studenti", filter=Q(attiva=True, studenti__gt=0), default=0),
        )
        .order_by()
    }
    comuni = Comune.objects.all() if distretto is None else Comune.objects.filter(distretto=distretto)
    n_comuni = dict(comuni.values_list("distretto_id").annotate(Count("id")).order_by())

    risultato: dict[str, tuple[dict[int, Misure], Misure]] = {}
    for anno in anni:
        per_anno = per[anno]
        for d in distretti:
            per_anno[d.pk].aggiorna({"comuni": n_comuni.get(d.pk, 0), **scuole_per_distretto.get(d.pk, {})})
        totale = Misure.somma([per_anno[d.pk] for d in distretti])
        totale.organizzazioni_ospitanti = ospitanti.get(anno, 0)
        if livello:
            for misure in [totale, *per_anno.values()]:
                misure.rete = False
        elif anno in anni_rete:
            rete = _misure_rete(anno, distretto, ambito)
            totale.aggiorna(rete.pop("totali"))
            for nome, valori in rete.items():
                for distretto_id, valore in valori.items():
                    setattr(per_anno[distretto_id], nome, valore)
        risultato[anno] = (per_anno, totale)
    return risultato


def _tendenza(
    anni: list[str], misure: dict[str, tuple[dict[int, Misure], Misure]], distretti: list[Distretto]
) -> Tendenza:
    """The trend out of the measures of `anni`. Whether a year has data is asked of the whole portal (one
    query, whatever the selection): a year in which the selection has no project but the portal has
    data shows 0, not "no data"."""
    presenti = set(
        Progetto.objects.convalidati()
        .filter(anno_scolastico__in=anni)
        .order_by()
        .values_list("anno_scolastico", flat=True)
        .distinct()
    )
    con_dati = [anno in presenti for anno in anni]

    def valori(m: Misure, dati: bool) -> dict | None:
        return {k: v for k, v in m.valori().items() if k in TENDENZA} if dati else None

    return Tendenza(
        anni=anni,
        con_dati=con_dati,
        righe=[
            (d, [valori(misure[a][0][d.pk], c) for a, c in zip(anni, con_dati, strict=True)])
            for d in distretti
        ],
        totale=[valori(misure[a][1], c) for a, c in zip(anni, con_dati, strict=True)],
    )


def calcola(
    anno: str,
    distretto: Distretto | None = None,
    ambito: AmbitoTematico | None = None,
    livello: str | None = None,
) -> Indicatori:
    """All the indicators of a selection (the network or one district; a thematic area; a school level),
    the comparison with the previous year and the trend over ANNI_TENDENZA years."""
    calcolati_il = timezone.now()
    prima = anno_precedente(anno)
    anni = anni_tendenza(anno)
    tutti = list(Distretto.objects.order_by("nome"))
    distretti = [distretto] if distretto is not None else tutti
    misure = _misure(tuple(anni), distretti, distretto, ambito, livello, anni_rete=(anno, prima))
    per_att, tot_att = misure[anno]
    per_prec, tot_prec = misure[prima]
    righe = []
    for d in distretti:
        att, prec = per_att[d.pk].valori(), per_prec[d.pk].valori()
        righe.append(RigaDistretto(d, att, prec, _variazioni(att, prec)))
    att, prec = tot_att.valori(), tot_prec.valori()
    tendenza = _tendenza(anni, misure, distretti)
    correnti = progetti_contati(anno, distretto, ambito, livello)
    inserimenti = _inserimenti(correnti)
    scuole_senza = Scuola.objects.filter(attiva=True, livello=Livello.SECONDO_GRADO).exclude(
        pk__in=correnti.values("scuola_id")
    )
    comuni_senza = Comune.objects.exclude(pk__in=correnti.values("scuola__comune_id"))
    if distretto is not None:
        scuole_senza = scuole_senza.filter(comune__distretto=distretto)
        comuni_senza = comuni_senza.filter(distretto=distretto)
    return Indicatori(
        anno=anno,
        anno_precedente=prima,
        distretto=distretto,
        ambito=ambito,
        calcolati_il=calcolati_il,
        righe=righe,
        totale=RigaDistretto(None, att, prec, _variazioni(att, prec)),
        tendenza=tendenza,
        livello=livello or None,
        aree_s3=_aree_s3(inserimenti, distretti),
        ambiti=_ambiti(
            correnti,
            distretti,
            {d.pk: r.att["progetti"] for d, r in zip(distretti, righe, strict=True)},
            att["progetti"],
        ),
        # Flows cover the whole network: a district report shows what leaves and enters the district.
        flussi=_flussi(progetti_contati(anno, None, ambito, livello), tutti, distretto),
        comuni_senza_progetti=list(
            comuni_senza.order_by("distretto__nome", "nome").values(
                "nome", distretto_nome=F("distretto__nome")
            )
        ),
        # Schools of the same name in the same comune listed in the order of their code.
        scuole_senza_progetti=list(
            scuole_senza.order_by(
                "comune__distretto__nome", "comune__nome", "denominazione", "codice_meccanografico"
            ).values(
                "codice_meccanografico",
                "denominazione",
                comune_nome=F("comune__nome"),
                distretto_nome=F("comune__distretto__nome"),
            )[:MAX_RIGHE_ELENCO]
        ),
        scuole_senza_progetti_totale=scuole_senza.count(),
        # Hosts and schools grouped by name and comune, as they are listed.
        top_organizzazioni=list(
            inserimenti.values(
                nome=F("partecipazioni__organizzazione__nome"),
                comune=F("partecipazioni__organizzazione__comune__nome"),
            )
            .annotate(inserimenti=Count("partecipazioni"), studenti=Sum("studenti_totale"))
            .order_by("-inserimenti", "-studenti", "nome", "comune")[:TOP_N]
        ),
        top_scuole=list(
            correnti.values(nome=F("scuola__denominazione"), comune=F("scuola__comune__nome"))
            .annotate(progetti=Count("id"), studenti=Sum("studenti_totale"))
            .order_by("-studenti", "-progetti", "nome", "comune")[:TOP_N]
        ),
        # The largest projects are picked on the year's covering index (progetto_anno_stato_idx holds
        # the students, the hours and the id), then only those rows are read from the wide table: sorting
        # the year's joined rows to keep 30 read the whole table (≈75 ms on the large data, now ≈10).
        elenco_progetti=list(
            Progetto.objects.filter(pk__in=correnti.order_by(*ORDINE_ELENCO).values("pk")[:MAX_RIGHE_ELENCO])
            .order_by(*ORDINE_ELENCO)
            .values(
                "pk",
                "titolo",
                "studenti_totale",
                "studenti_ragazze",
                "ore_svolte",
                scuola_nome=F("scuola__denominazione"),
                distretto_nome=F("distretto__nome"),
            )
        ),
    )


def _aree_s3(inserimenti: QuerySet[Progetto], distretti: list[Distretto]) -> list[dict]:
    """Distinct host organisations per S3 area, per district and in total (None = no S3 area)."""
    per: defaultdict[int | None, dict[int, int]] = defaultdict(dict)
    totali: dict[int | None, int] = {}
    for r in _con_totale(
        inserimenti.values(area=F("partecipazioni__organizzazione__aree_s3"), d=F("distretto_id")).annotate(
            n=Count("partecipazioni__organizzazione_id", distinct=True)
        )
    ):
        if r["d"] is None:
            totali[r["area"]] = r["n"]
        else:
            per[r["area"]][r["d"]] = r["n"]
    aree: list[tuple[int | None, str, bool]] = [
        (a.pk, a.nome, a.prioritaria) for a in AreaS3.objects.order_by("ordine", "nome")
    ]
    aree.append((None, "Nessuna area S3 indicata", False))
    return [
        {
            "area": nome,
            "prioritaria": prioritaria,
            "per_distretto": [per[pk].get(d.pk, 0) for d in distretti],
            "totale": totali.get(pk, 0),
        }
        for pk, nome, prioritaria in aree
    ]


def _ambiti(
    progetti: QuerySet[Progetto],
    distretti: list[Distretto],
    progetti_per_distretto: dict[int, int],
    progetti_totale: int,
) -> list[dict]:
    """Projects per thematic area, per district and in total, with the share of projects covered."""
    per: defaultdict[int, dict[int, int]] = defaultdict(dict)
    # From the projects' side, one join with the thematic areas (see _inserimenti).
    for r in (
        progetti.filter(ambiti__isnull=False)
        .values("ambiti", d=F("distretto_id"))
        .annotate(n=Count("ambiti"))
        .order_by()
    ):
        per[r["ambiti"]][r["d"]] = r["n"]
    risultato = []
    for ambito in AmbitoTematico.objects.order_by("ordine", "nome"):
        valori = [per[ambito.pk].get(d.pk, 0) for d in distretti]
        totale = sum(valori)
        risultato.append(
            {
                "ambito": ambito.nome,
                "slug": ambito.slug,
                "per_distretto": valori,
                "totale": totale,
                "quota": _quota(totale, progetti_totale),
                "distretti_coperti": sum(1 for v in valori if v),
                "quote_distretti": [
                    _quota(v, progetti_per_distretto.get(d.pk, 0))
                    for v, d in zip(valori, distretti, strict=True)
                ],
            }
        )
    return risultato


def _flussi(progetti: QuerySet[Progetto], tutti: list[Distretto], distretto: Distretto | None) -> dict:
    """Placements by district of the school (rows) and district of the host organisation (columns).

    The last column counts hosts outside the metropolitan city. A district report keeps the rows of its
    district and of the districts sending placements to it.
    """
    indice = {d.pk: i for i, d in enumerate(tutti)}
    matrice = [[0] * (len(tutti) + 1) for _ in tutti]
    for r in (
        _inserimenti(progetti)
        .values(da=F("distretto_id"), a=F("partecipazioni__organizzazione__comune__distretto_id"))
        .annotate(n=Count("partecipazioni"))
        .order_by()
    ):
        matrice[indice[r["da"]]][indice.get(r["a"], len(tutti))] += r["n"]
    righe = []
    for d, valori in zip(tutti, matrice, strict=True):
        if distretto is not None and d.pk != distretto.pk and not valori[indice[distretto.pk]]:
            continue
        totale = sum(valori)
        interni = valori[indice[d.pk]]
        righe.append(
            {
                "distretto": d,
                "valori": valori,
                "totale": totale,
                "interni": interni,
                "quota_fuori_distretto": _quota(totale - interni, totale),
            }
        )
    return {"colonne": tutti, "righe": righe}


# --- Partnerships and agreements report ----------------------------------------------------------


def partnership_e_accordi(anno: str, distretto: Distretto | None = None) -> dict:
    """Agreements by status and type, partnerships by status and level, per district (aggregates)."""
    accordi = Accordo.objects.all()
    partnership = Partnership.objects.all()
    if distretto is not None:
        accordi = accordi.filter(distretti=distretto)
        partnership = partnership.filter(distretti=distretto)
    accordi_per_stato = list(accordi.values("stato").annotate(n=Count("id", distinct=True)).order_by("stato"))
    etichette_accordo = dict(Accordo.Stato.choices)
    for r in accordi_per_stato:
        r["etichetta"] = etichette_accordo.get(r["stato"], r["stato"])
    part_per_stato = list(
        partnership.values("stato", "livello")
        .annotate(n=Count("id", distinct=True))
        .order_by("stato", "livello")
    )
    etichette_stato = dict(Partnership.Stato.choices)
    etichette_livello = dict(Partnership.Livello.choices)
    for r in part_per_stato:
        r["stato_etichetta"] = etichette_stato.get(r["stato"], r["stato"])
        r["livello_etichetta"] = etichette_livello.get(r["livello"], r["livello"])
    distretti = [distretto] if distretto is not None else list(Distretto.objects.order_by("nome"))
    attivi = accordi_attivi(anno)
    per_distretto = []
    accordi_d = _per_distretto(Accordo.distretti, attivi)
    part_d = _per_distretto(Partnership.distretti, Partnership.objects.filter(stato=Partnership.Stato.ATTIVA))
    for d in distretti:
        per_distretto.append(
            {
                "distretto": d,
                "accordi_attivi": accordi_d.get(d.pk, 0),
                "partnership_attive": part_d.get(d.pk, 0),
            }
        )
    elenco_accordi = list(
        accordi.order_by("-data_firma", "titolo")
        .values("titolo", "tipo", "stato", "data_firma", "valido_al")
        .annotate(firmatari=Count("organizzazioni", distinct=True))[:MAX_RIGHE_ELENCO]
    )
    etichette_tipo = dict(Accordo.Tipo.choices)
    for r in elenco_accordi:
        r["tipo_etichetta"] = etichette_tipo.get(r["tipo"], r["tipo"])
        r["stato_etichetta"] = etichette_accordo.get(r["stato"], r["stato"])
    elenco_partnership = list(
        partnership.filter(stato=Partnership.Stato.ATTIVA)
        .order_by("titolo")
        .values("titolo", "livello")
        .annotate(
            organizzazioni_n=Count("organizzazioni", distinct=True), scuole_n=Count("scuole", distinct=True)
        )[:MAX_RIGHE_ELENCO]
    )
    for r in elenco_partnership:
        r["livello_etichetta"] = etichette_livello.get(r["livello"], r["livello"])
    return {
        "accordi_per_stato": accordi_per_stato,
        "accordi_totale": accordi.values("pk").distinct().count(),
        "accordi_attivi": attivi.filter(distretti=distretto).distinct().count()
        if distretto is not None
        else attivi.count(),
        "partnership_per_stato": part_per_stato,
        "partnership_totale": partnership.values("pk").distinct().count(),
        "per_distretto": per_distretto,
        "elenco_accordi": elenco_accordi,
        "elenco_partnership": elenco_partnership,
        "partnership_attive_totale": partnership.filter(stato=Partnership.Stato.ATTIVA).distinct().count(),
    }


# --- The trend as tables -------------------------------------------------------------------------


def riferimento_di_rete(chiave: str, totale: Any, distretti: int) -> Any:
    """The network's value a district is set against: its share for a share, the district average for
    a count (a district's count beside the network total would compare a part with the whole)."""
    if totale is None or chiave in PERCENTUALI:
        return totale
    return round(float(totale) / max(1, distretti), 1)


def tabelle_tendenza(ind: Indicatori, rete: Indicatori | None = None) -> list[dict]:
    """One table per headline indicator: a row per district of the selection and the metropolitan row.

    The metropolitan row is the selection's total (network report, dashboard of all districts) or, for
    one district, the network's value from `rete` (its district average for counts, its share for
    shares). A year without data holds None in every row (printed "n.d.").
    """
    t = ind.tendenza
    anni = [{"anno": a, "con_dati": c} for a, c in zip(t.anni, t.con_dati, strict=True)]
    tabelle = []
    for colonna in colonne(*TENDENZA):
        chiave = colonna["chiave"]
        righe = [
            {"nome": d.nome, "distretto": d, "valori": [v[chiave] if v else None for v in valori]}
            for d, valori in t.righe
        ]
        if rete is None:
            nome = _("Città metropolitana")
            riferimento = [v[chiave] if v else None for v in t.totale]
        else:
            n = len(rete.tendenza.righe)
            nome = _("Città metropolitana") if chiave in PERCENTUALI else _("Media dei distretti")
            riferimento = [
                riferimento_di_rete(chiave, v[chiave], n) if v else None for v in rete.tendenza.totale
            ]
        tabelle.append(
            {**colonna, "anni": anni, "righe": righe, "riferimento": {"nome": nome, "valori": riferimento}}
        )
    return tabelle
