"""The indicators of the reports and of the staff dashboard, computed in the database.

Every figure is an aggregate query (values/annotate/aggregate, Exists subqueries): nothing loads the
projects into Python, so the cost does not grow with 100,000 projects beyond what PostgreSQL does.
`calcola(anno, distretto=None, ambito=None)` returns one `Indicatori` with a row per district (current
year, previous year and the change), the network total, and the tables of the report (S3 areas,
thematic areas, flows between districts, coverage gaps, bounded top lists).

Method (printed in the report's notes):
- A project counts when the district office validated it (states validato, pubblicato, archiviato).
- Students are participations: a student in two projects counts twice (the portal stores counts only).
- Placements are (project, host organisation) pairs with role "ospitante".
- The school year runs from 1 September to 31 August; actions, technical assistance and agreements
  count in a year when their dates fall in (or span) it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.progetti.models import Progetto, ProgettoOrganizzazione, StatoProgetto
from alternanza.progetti.models_rete import AssistenzaTecnica, AzioneDiRete
from alternanza.report.models import anno_precedente
from distretti.models import AmbitoTematico, Comune, Distretto, Livello, Scuola
from partnership.models import Accordo, AreaS3, Organizzazione, Partnership

STATI_CONTATI = (StatoProgetto.VALIDATO, StatoProgetto.PUBBLICATO, StatoProgetto.ARCHIVIATO)
# A project is "technical-scientific" when it is linked to an S3 area or to one of these thematic areas.
AMBITI_TECNICI = ("cultura-tecnica-primaria-secondaria", "allineamento-s3", "gap-di-genere")
STATI_ACCORDO_ATTIVO = (Accordo.Stato.FIRMATO, Accordo.Stato.RINNOVATO)
TOP_N = 25
MAX_RIGHE_ELENCO = 60

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


def progetti_contati(anno: str, distretto=None, ambito=None):
    qs = Progetto.objects.filter(anno_scolastico=anno, stato__in=STATI_CONTATI)
    if distretto is not None:
        qs = qs.filter(distretto=distretto)
    if ambito is not None:
        qs = qs.filter(ambiti=ambito)
    return qs


def _per_distretto(righe, chiave="distretto_id") -> dict:
    return {r.pop(chiave): r for r in righe}


def _quota(parte, totale) -> float | None:
    if not totale:
        return None
    return round(100.0 * float(parte or 0) / float(totale), 1)


@dataclass
class Misure:
    """Raw sums of one district (or the whole selection) in one year."""

    progetti: int = 0
    studenti: int = 0
    ragazze: int = 0
    straniera: int = 0
    ore: int = 0
    sicurezza: int = 0
    tecnici_studenti: int = 0
    tecnici_ragazze: int = 0
    studenti_scuole_note: int = 0
    iscritti_noti: int = 0
    organizzazioni_ospitanti: int = 0
    inserimenti: int = 0
    inserimenti_s3: int = 0
    azioni_interdistrettuali: int = 0
    ore_assistenza: Decimal = Decimal(0)
    accordi_attivi: int = 0
    comuni: int = 0
    comuni_senza_progetti: int = 0
    scuole_secondarie: int = 0
    scuole_senza_progetti: int = 0

    def valori(self) -> dict:
        ragazzi_tecnici = self.tecnici_studenti - self.tecnici_ragazze
        return {
            "progetti": self.progetti,
            "studenti": self.studenti,
            "ragazze": self.ragazze,
            "quota_ragazze": _quota(self.ragazze, self.studenti),
            "quota_straniera": _quota(self.straniera, self.studenti),
            "ore": self.ore,
            "quota_sicurezza": _quota(self.sicurezza, self.progetti),
            "organizzazioni_ospitanti": self.organizzazioni_ospitanti,
            "azioni_interdistrettuali": self.azioni_interdistrettuali,
            "ore_assistenza": float(self.ore_assistenza or 0),
            "accordi_attivi": self.accordi_attivi,
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
            "comuni_senza_progetti": self.comuni_senza_progetti,
            "scuole_senza_progetti": self.scuole_senza_progetti,
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
class Indicatori:
    anno: str
    anno_precedente: str
    distretto: Distretto | None
    ambito: AmbitoTematico | None
    calcolati_il: datetime
    righe: list[RigaDistretto]
    totale: RigaDistretto
    aree_s3: list[dict] = field(default_factory=list)
    ambiti: list[dict] = field(default_factory=list)
    flussi: dict = field(default_factory=dict)
    comuni_senza_progetti: list[dict] = field(default_factory=list)
    scuole_senza_progetti: list[dict] = field(default_factory=list)
    scuole_senza_progetti_totale: int = 0
    top_organizzazioni: list[dict] = field(default_factory=list)
    top_scuole: list[dict] = field(default_factory=list)
    elenco_progetti: list[dict] = field(default_factory=list)

    @property
    def distretti(self) -> list[Distretto]:
        return [r.distretto for r in self.righe]


def _misure(anni: list[str], distretti: list[Distretto], distretto=None, ambito=None) -> dict:
    """Raw sums per (year, district id) and per year for the whole selection: {anno: (per, totale)}.

    Both years go through the same queries (grouped by year): every project-side measure costs one pass
    over the projects of the two years, whatever their number.
    """
    qs = Progetto.objects.filter(anno_scolastico__in=anni, stato__in=STATI_CONTATI)
    if distretto is not None:
        qs = qs.filter(distretto=distretto)
    if ambito is not None:
        qs = qs.filter(ambiti=ambito)
    per = {anno: defaultdict(Misure) for anno in anni}

    def _accumula(righe, anno_k="anno", distretto_k="distretto_id"):
        for r in righe:
            m = per[r.pop(anno_k)][r.pop(distretto_k)]
            for k, v in r.items():
                setattr(m, k, v)

    # Conditions are IN (subquery) with literal ids inside: PostgreSQL hashes each subquery once instead
    # of running a subplan per project row.
    id_ambiti_tecnici = list(
        AmbitoTematico.objects.filter(slug__in=AMBITI_TECNICI).values_list("pk", flat=True)
    )
    aree_prioritarie = list(AreaS3.objects.filter(prioritaria=True).values_list("pk", flat=True))
    tecnico = Q(pk__in=Progetto.aree_s3.through.objects.values("progetto_id")) | Q(
        pk__in=Progetto.ambiti.through.objects.filter(ambitotematico_id__in=id_ambiti_tecnici).values(
            "progetto_id"
        )
    )
    scuole_note = Q(scuola_id__in=Scuola.objects.filter(studenti__gt=0).values("pk"))
    _accumula(
        qs.values("distretto_id", anno=F("anno_scolastico"))
        .annotate(
            progetti=Count("id"),
            studenti=Coalesce(Sum("studenti_totale"), 0),
            ragazze=Coalesce(Sum("studenti_ragazze"), 0),
            straniera=Coalesce(Sum("studenti_origine_straniera"), 0),
            ore=Coalesce(Sum("ore_svolte"), 0),
            sicurezza=Count("id", filter=Q(sicurezza_svolta=True)),
            tecnici_studenti=Coalesce(Sum("studenti_totale", filter=tecnico), 0),
            tecnici_ragazze=Coalesce(Sum("studenti_ragazze", filter=tecnico), 0),
            studenti_scuole_note=Coalesce(Sum("studenti_totale", filter=scuole_note), 0),
        )
        .order_by()
    )

    # Placements: per (year, district) and per year in one pass (GROUPING SETS), because distinct host
    # organisations cannot be summed across districts. Aligned = host or project in a priority S3 area.
    sotto, parametri = qs.values("pk").query.sql_with_params()
    sql = f"""
        SELECT p.anno_scolastico, p.distretto_id, GROUPING(p.distretto_id),
               COUNT(DISTINCT po.organizzazione_id), COUNT(*),
               COUNT(*) FILTER (WHERE po.organizzazione_id IN (
                       SELECT organizzazione_id FROM {Organizzazione.aree_s3.through._meta.db_table}
                       WHERE areas3_id = ANY(%s))
                   OR po.progetto_id IN (
                       SELECT progetto_id FROM {Progetto.aree_s3.through._meta.db_table}
                       WHERE areas3_id = ANY(%s)))
        FROM {ProgettoOrganizzazione._meta.db_table} po
        JOIN {Progetto._meta.db_table} p ON p.id = po.progetto_id
        WHERE po.ruolo = %s AND po.progetto_id IN ({sotto})
        GROUP BY GROUPING SETS ((p.anno_scolastico, p.distretto_id), (p.anno_scolastico))
    """  # noqa: S608 - table names from the models, values as parameters  # nosec B608
    ospitanti_totali = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [aree_prioritarie, aree_prioritarie, ProgettoOrganizzazione.Ruolo.OSPITANTE, *parametri]
        )
        for anno_r, distretto_id, solo_anno, organizzazioni, inserimenti, allineati in cursor.fetchall():
            if solo_anno:
                ospitanti_totali[anno_r] = organizzazioni
                continue
            m = per[anno_r][distretto_id]
            m.organizzazioni_ospitanti = organizzazioni
            m.inserimenti, m.inserimenti_s3 = inserimenti, allineati

    # Coverage: comuni and secondary schools with at least one project, per year (one join each).
    _accumula(
        qs.values("anno_scolastico", d=F("scuola__comune__distretto_id"))
        .annotate(comuni_con=Count("scuola__comune_id", distinct=True))
        .order_by(),
        anno_k="anno_scolastico",
        distretto_k="d",
    )
    _accumula(
        qs.filter(scuola__attiva=True, scuola__livello=Livello.SECONDO_GRADO)
        .values("anno_scolastico", d=F("scuola__comune__distretto_id"))
        .annotate(secondarie_con=Count("scuola_id", distinct=True))
        .order_by(),
        anno_k="anno_scolastico",
        distretto_k="d",
    )
    comuni = Comune.objects.all() if distretto is None else Comune.objects.filter(distretto=distretto)
    n_comuni = dict(comuni.values_list("distretto_id").annotate(n=Count("id")).order_by())
    secondarie = Scuola.objects.filter(attiva=True, livello=Livello.SECONDO_GRADO)
    if distretto is not None:
        secondarie = secondarie.filter(comune__distretto=distretto)
    n_secondarie = dict(secondarie.values_list("comune__distretto_id").annotate(n=Count("id")).order_by())
    scuole = Scuola.objects.filter(attiva=True, studenti__gt=0)
    if distretto is not None:
        scuole = scuole.filter(comune__distretto=distretto)
    iscritti = dict(scuole.values_list("comune__distretto_id").annotate(n=Sum("studenti")).order_by())

    risultato = {}
    for anno in anni:
        per_anno = per[anno]
        for d in distretti:
            m = per_anno[d.pk]
            m.iscritti_noti = iscritti.get(d.pk, 0)
            m.comuni = n_comuni.get(d.pk, 0)
            m.comuni_senza_progetti = m.comuni - getattr(m, "comuni_con", 0)
            m.scuole_secondarie = n_secondarie.get(d.pk, 0)
            m.scuole_senza_progetti = m.scuole_secondarie - getattr(m, "secondarie_con", 0)
        totale = _misure_rete(anno, per_anno, distretti, distretto, ambito)
        totale.organizzazioni_ospitanti = ospitanti_totali.get(anno, 0)
        risultato[anno] = (per_anno, totale)
    return risultato


def _misure_rete(anno: str, per: dict, distretti, distretto=None, ambito=None) -> Misure:
    """Actions, technical assistance and agreements of a year (small tables), and the network total."""
    inizio, fine = periodo(anno)
    totale = Misure()
    additive = (
        "progetti", "studenti", "ragazze", "straniera", "ore", "sicurezza", "tecnici_studenti",
        "tecnici_ragazze", "studenti_scuole_note", "iscritti_noti", "inserimenti", "inserimenti_s3",
        "comuni", "comuni_senza_progetti", "scuole_secondarie", "scuole_senza_progetti",
    )  # fmt: skip
    for nome in additive:
        setattr(totale, nome, sum(getattr(per[d.pk], nome) for d in distretti))

    azioni = AzioneDiRete.objects.filter(livello=AzioneDiRete.Livello.INTERDISTRETTUALE).filter(
        Q(data_inizio__range=(inizio, fine))
        | Q(data_inizio__lt=inizio, data_fine__gte=inizio)
        | Q(data_inizio__lt=inizio, data_fine__isnull=True, stato=AzioneDiRete.Stato.IN_CORSO)
        | Q(data_inizio__isnull=True, creata_il__date__range=(inizio, fine))
    )
    if distretto is not None:
        azioni = azioni.filter(distretti=distretto)
    if ambito is not None:
        azioni = azioni.filter(ambiti=ambito)
    for r in (
        AzioneDiRete.distretti.through.objects.filter(azionedirete__in=azioni.values("pk"))
        .values("distretto_id")
        .annotate(n=Count("azionedirete_id", distinct=True))
        .order_by()
    ):
        per[r["distretto_id"]].azioni_interdistrettuali = r["n"]
    totale.azioni_interdistrettuali = azioni.values("pk").distinct().count()

    assistenze = AssistenzaTecnica.objects.filter(data__range=(inizio, fine))
    if distretto is not None:
        assistenze = assistenze.filter(distretto=distretto)
    if ambito is not None:
        assistenze = assistenze.filter(azione__ambiti=ambito)
    for r in assistenze.values("distretto_id").annotate(ore_tot=Sum("ore")).order_by():
        per[r["distretto_id"]].ore_assistenza = r["ore_tot"] or Decimal(0)
    totale.ore_assistenza = assistenze.aggregate(t=Coalesce(Sum("ore"), Decimal(0)))["t"]

    accordi = accordi_attivi(anno)
    if distretto is not None:
        accordi = accordi.filter(distretti=distretto)
    for r in (
        Accordo.distretti.through.objects.filter(accordo__in=accordi.values("pk"))
        .values("distretto_id")
        .annotate(n=Count("accordo_id", distinct=True))
        .order_by()
    ):
        per[r["distretto_id"]].accordi_attivi = r["n"]
    totale.accordi_attivi = accordi.values("pk").distinct().count()

    return totale


def accordi_attivi(anno: str):
    """Agreements signed or renewed whose validity overlaps the school year."""
    inizio, fine = periodo(anno)
    return Accordo.objects.filter(stato__in=STATI_ACCORDO_ATTIVO).filter(
        Q(valido_dal__isnull=True) | Q(valido_dal__lte=fine),
        Q(valido_al__isnull=True) | Q(valido_al__gte=inizio),
    )


def calcola(
    anno: str, distretto: Distretto | None = None, ambito: AmbitoTematico | None = None
) -> Indicatori:
    """All the indicators of a selection (the network, one district, one thematic area) and its trend."""
    calcolati_il = timezone.now()
    prima = anno_precedente(anno)
    distretti = [distretto] if distretto is not None else list(Distretto.objects.order_by("nome"))
    misure = _misure([anno, prima], distretti, distretto, ambito)
    per_att, tot_att = misure[anno]
    per_prec, tot_prec = misure[prima]
    righe = []
    for d in distretti:
        att, prec = per_att[d.pk].valori(), per_prec[d.pk].valori()
        righe.append(RigaDistretto(d, att, prec, _variazioni(att, prec)))
    att, prec = tot_att.valori(), tot_prec.valori()
    ind = Indicatori(
        anno=anno,
        anno_precedente=prima,
        distretto=distretto,
        ambito=ambito,
        calcolati_il=calcolati_il,
        righe=righe,
        totale=RigaDistretto(None, att, prec, _variazioni(att, prec)),
    )
    qs = progetti_contati(anno, distretto, ambito)
    ind.aree_s3 = _aree_s3(qs, distretti)
    ind.ambiti = _ambiti(qs, distretti, {r.distretto.pk: r.att["progetti"] for r in righe}, att["progetti"])
    ind.flussi = flussi(anno, distretti, distretto, ambito)
    ind.comuni_senza_progetti, ind.scuole_senza_progetti, ind.scuole_senza_progetti_totale = _lacune(
        qs, distretto
    )
    ind.top_organizzazioni = list(
        ProgettoOrganizzazione.objects.filter(
            ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE, progetto__in=qs.values("pk")
        )
        .values(nome=F("organizzazione__nome"), comune=F("organizzazione__comune__nome"))
        .annotate(inserimenti=Count("id"), studenti=Coalesce(Sum("progetto__studenti_totale"), 0))
        .order_by("-inserimenti", "-studenti", "nome")[:TOP_N]
    )
    ind.top_scuole = list(
        qs.values(nome=F("scuola__denominazione"), comune=F("scuola__comune__nome"))
        .annotate(progetti=Count("id"), studenti=Coalesce(Sum("studenti_totale"), 0))
        .order_by("-studenti", "-progetti", "nome")[:TOP_N]
    )
    ind.elenco_progetti = list(
        qs.order_by("-studenti_totale", "-ore_svolte", "pk").values(
            "pk",
            "titolo",
            "studenti_totale",
            "studenti_ragazze",
            "ore_svolte",
            scuola_nome=F("scuola__denominazione"),
            distretto_nome=F("distretto__nome"),
        )[:MAX_RIGHE_ELENCO]
    )
    return ind


def _aree_s3(qs, distretti) -> list[dict]:
    """Distinct host organisations per S3 area, per district and in total (None = no S3 area)."""
    # One pass for both levels (GROUPING SETS): distinct organisations cannot be summed across districts.
    sotto, parametri = qs.values("pk").query.sql_with_params()
    tabella_aree = Organizzazione.aree_s3.through._meta.db_table
    sql = f"""
        SELECT a.areas3_id, p.distretto_id, GROUPING(p.distretto_id), COUNT(DISTINCT po.organizzazione_id)
        FROM {ProgettoOrganizzazione._meta.db_table} po
        JOIN {Progetto._meta.db_table} p ON p.id = po.progetto_id
        LEFT JOIN {tabella_aree} a ON a.organizzazione_id = po.organizzazione_id
        WHERE po.ruolo = %s AND po.progetto_id IN ({sotto})
        GROUP BY GROUPING SETS ((a.areas3_id, p.distretto_id), (a.areas3_id))
    """  # noqa: S608 - table names from the models, values as parameters  # nosec B608
    per = defaultdict(dict)
    totali = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [ProgettoOrganizzazione.Ruolo.OSPITANTE, *parametri])
        for area_id, distretto_id, solo_area, n in cursor.fetchall():
            if solo_area:
                totali[area_id] = n
            else:
                per[area_id][distretto_id] = n
    aree = [(a.pk, a.nome, a.prioritaria) for a in AreaS3.objects.order_by("ordine", "nome")]
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


def _ambiti(qs, distretti, progetti_per_distretto: dict, progetti_totale: int) -> list[dict]:
    """Projects per thematic area, per district and in total, with the share of projects covered."""
    through = Progetto.ambiti.through.objects.filter(progetto_id__in=qs.values("pk"))
    per = defaultdict(dict)
    for r in (
        through.values("ambitotematico_id", distretto_id=F("progetto__distretto_id"))
        .annotate(n=Count("progetto_id"))
        .order_by()
    ):
        per[r["ambitotematico_id"]][r["distretto_id"]] = r["n"]
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


def flussi(anno: str, distretti, distretto=None, ambito=None) -> dict:
    """Placements by district of the school (rows) and district of the host organisation (columns).

    Computed over the whole network (a district report shows the flows leaving and entering it); the
    last column counts hosts outside the metropolitan city.
    """
    qs = progetti_contati(anno, None, ambito)
    tutti = list(Distretto.objects.order_by("nome"))
    indice = {d.pk: i for i, d in enumerate(tutti)}
    matrice = [[0] * (len(tutti) + 1) for _ in tutti]
    for r in (
        ProgettoOrganizzazione.objects.filter(
            ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE, progetto__in=qs.values("pk")
        )
        .values(da=F("progetto__distretto_id"), a=F("organizzazione__comune__distretto_id"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        colonna = indice.get(r["a"], len(tutti))
        matrice[indice[r["da"]]][colonna] += r["n"]
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


def _lacune(qs, distretto=None) -> tuple[list[dict], list[dict], int]:
    comuni = Comune.objects.exclude(pk__in=qs.values("scuola__comune_id"))
    if distretto is not None:
        comuni = comuni.filter(distretto=distretto)
    elenco_comuni = list(
        comuni.order_by("distretto__nome", "nome").values("nome", distretto_nome=F("distretto__nome"))
    )
    scuole = Scuola.objects.filter(attiva=True, livello=Livello.SECONDO_GRADO).exclude(
        pk__in=qs.values("scuola_id")
    )
    if distretto is not None:
        scuole = scuole.filter(comune__distretto=distretto)
    totale = scuole.count()
    elenco_scuole = list(
        scuole.order_by("comune__distretto__nome", "comune__nome", "denominazione").values(
            "codice_meccanografico",
            "denominazione",
            comune_nome=F("comune__nome"),
            distretto_nome=F("comune__distretto__nome"),
        )[:MAX_RIGHE_ELENCO]
    )
    return elenco_comuni, elenco_scuole, totale


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
    accordi_d = {
        r["distretto_id"]: r["n"]
        for r in Accordo.distretti.through.objects.filter(accordo__in=attivi.values("pk"))
        .values("distretto_id")
        .annotate(n=Count("accordo_id", distinct=True))
        .order_by()
    }
    part_d = {
        r["distretto_id"]: r["n"]
        for r in Partnership.distretti.through.objects.filter(partnership__stato=Partnership.Stato.ATTIVA)
        .values("distretto_id")
        .annotate(n=Count("partnership_id", distinct=True))
        .order_by()
    }
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
