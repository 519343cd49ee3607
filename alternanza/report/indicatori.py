"""The indicators of the reports and of the staff dashboard, computed in the database.

Every figure is an aggregate computed by PostgreSQL, and all of them come from ONE statement (see
_estrai): the projects of the two years are scanned once and their placements joined once, and each
table is an aggregate over those sets; the small tables (actions, assistance, agreements) ride along as
ORM-built subqueries. Nothing loads the projects into Python, so the cost does not grow with 100,000
projects beyond what PostgreSQL does, and a report costs four queries whatever the data.
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

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_precedente
from alternanza.progetti.models import (
    AssistenzaTecnica,
    AzioneDiRete,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
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


# Raw SQL below (ruff S608, bandit B608): only the models' table names and this module's constants
# are interpolated; every value travels as a query parameter.


def _estrai(anno: str, prima: str, distretto=None, ambito=None, orm: dict | None = None) -> dict:
    """Every figure of a report from ONE statement: a single pass over the projects, one round trip.

    The counted projects of the two years are read once into a CTE with what the tables need (and the
    "technical" flag), summed per school into a second one (which adds what the school determines) and
    joined to their host placements once into a third; each table of the report is an aggregate over
    those sets, returned as a JSON column (a few hundred small rows in all: project rows never
    reach Python). `sel` marks the projects of the selection: a district report also reads the other
    districts' projects of the current year, because the flows between districts cover the network.
    `orm` adds the small-table queries built with the ORM, as {name: ("righe", queryset)} (its rows)
    or {name: ("scalare", "aggregate over t", queryset)} (one value), in the same statement.
    Returns {name: list of row dicts, or the value}; JSON numbers with a fraction come back as Decimal.
    """
    t = {
        "progetto": Progetto._meta.db_table,
        "po": ProgettoOrganizzazione._meta.db_table,
        "p_aree": Progetto.aree_s3.through._meta.db_table,
        "p_ambiti": Progetto.ambiti.through._meta.db_table,
        "o_aree": Organizzazione.aree_s3.through._meta.db_table,
        "org": Organizzazione._meta.db_table,
        "scuola": Scuola._meta.db_table,
        "comune": Comune._meta.db_table,
        "distretto": Distretto._meta.db_table,
        "ambito": AmbitoTematico._meta.db_table,
        "area": AreaS3._meta.db_table,
    }
    parametri: list = []

    def par(valore) -> str:
        """A placeholder for `valore` (the SQL text is built in order, so parameters follow it)."""
        parametri.append(valore)
        return "%s"

    def secondaria() -> str:
        return f"s.attiva AND s.livello = {par(Livello.SECONDO_GRADO.value)}"

    def nel_distretto(prefisso: str) -> str:
        return "" if distretto is None else f"{prefisso} c.distretto_id = {par(distretto.pk)}"

    def filtro_progetti() -> str:
        """The selection's filters on the projects (a district report keeps the network's current year)."""
        filtro = ""
        if distretto is not None:
            filtro += f"AND (p.distretto_id = {par(distretto.pk)} OR p.anno_scolastico = {par(anno)})"
        if ambito is not None:
            filtro += f" AND p.id IN (SELECT progetto_id FROM {t['p_ambiti']} WHERE ambitotematico_id = {par(ambito.pk)})"  # noqa: E501, S608  # nosec B608
        return filtro

    sel = "TRUE" if distretto is None else f"p.distretto_id = {par(distretto.pk)}"
    # p: the projects (`corrente`, a boolean rather than the year's text, keeps sorts and groups cheap);
    # ps: their sums per (year, district, school), with what the school determines (comune, district
    # of the comune, secondary level, known enrolment): a few thousand rows for the school-side tables;
    # po: the host placements of the projects.
    sql = f"""
    WITH p AS MATERIALIZED (
        SELECT p.id, {sel} AS sel, p.anno_scolastico = {par(anno)} AS corrente, p.distretto_id AS d,
               p.scuola_id, p.studenti_totale AS st, p.studenti_ragazze AS sr,
               p.studenti_origine_straniera AS ss, p.ore_svolte AS ore, p.sicurezza_svolta AS sic,
               (p.id IN (SELECT progetto_id FROM {t["p_aree"]})
                OR p.id IN (SELECT progetto_id FROM {t["p_ambiti"]} WHERE ambitotematico_id IN (
                    SELECT id FROM {t["ambito"]} WHERE slug = ANY({par(list(AMBITI_TECNICI))})))) AS tecnico
        FROM {t["progetto"]} p
        WHERE p.anno_scolastico = ANY({par([anno, prima])}) AND p.stato = ANY({par(list(STATI_CONTATI))})
        {filtro_progetti()}
    ),
    ps AS MATERIALIZED (
        SELECT x.*, s.denominazione, s.comune_id, c.nome AS comune_nome, c.distretto_id AS dc,
               ({secondaria()}) AS secondaria, COALESCE(s.studenti > 0, FALSE) AS nota
        FROM (SELECT corrente, d, sel, scuola_id, COUNT(*) AS n, SUM(st) AS st, SUM(sr) AS sr,
                     SUM(ss) AS ss, SUM(ore) AS ore, COUNT(*) FILTER (WHERE sic) AS sic,
                     SUM(st) FILTER (WHERE tecnico) AS tecnici_st,
                     SUM(sr) FILTER (WHERE tecnico) AS tecnici_sr
              FROM p GROUP BY corrente, d, sel, scuola_id) x
        JOIN {t["scuola"]} s ON s.id = x.scuola_id
        JOIN {t["comune"]} c ON c.id = s.comune_id
    ),
    po AS MATERIALIZED (
        SELECT po.organizzazione_id AS org, po.progetto_id AS progetto, p.corrente, p.d, p.sel, p.st
        FROM {t["po"]} po JOIN p ON p.id = po.progetto_id
        WHERE po.ruolo = {par(ProgettoOrganizzazione.Ruolo.OSPITANTE.value)}
    )
    SELECT
    """  # noqa: S608  # nosec B608
    prioritarie = f"SELECT id FROM {t['area']} WHERE prioritaria"  # noqa: S608  # nosec B608
    # name: (query, order of its rows in the JSON list). Built in this order: parameters follow.
    tabelle = {}
    # Project measures per (year, district of the project).
    tabelle["misure"] = (
        """SELECT corrente, d, SUM(n) AS progetti, COALESCE(SUM(st), 0) AS studenti,
            COALESCE(SUM(sr), 0) AS ragazze, COALESCE(SUM(ss), 0) AS straniera, COALESCE(SUM(ore), 0) AS ore,
            SUM(sic) AS sicurezza, COALESCE(SUM(tecnici_st), 0) AS tecnici_studenti,
            COALESCE(SUM(tecnici_sr), 0) AS tecnici_ragazze,
            COALESCE(SUM(st) FILTER (WHERE nota), 0) AS studenti_scuole_note
        FROM ps WHERE sel GROUP BY corrente, d""",
        "",
    )
    # Coverage per (year, district of the school's comune): comuni and secondary schools reached.
    tabelle["copertura"] = (
        """SELECT corrente, dc AS d, COUNT(DISTINCT comune_id) AS comuni_con,
            COUNT(DISTINCT scuola_id) FILTER (WHERE secondaria) AS secondarie_con
        FROM ps WHERE sel GROUP BY corrente, dc""",
        "",
    )
    # Placements per (year, district) and per year (distinct hosts cannot be summed across districts);
    # aligned = the host or the project in a priority S3 area.
    tabelle["ospitanti"] = (
        f"""SELECT corrente, d, GROUPING(d) AS solo_anno, COUNT(DISTINCT org) AS organizzazioni,
            COUNT(*) AS inserimenti,
            COUNT(*) FILTER (WHERE
                org IN (SELECT organizzazione_id FROM {t["o_aree"]} WHERE areas3_id IN ({prioritarie}))
                OR progetto IN (SELECT progetto_id FROM {t["p_aree"]} WHERE areas3_id IN ({prioritarie}))
            ) AS allineati
        FROM po WHERE sel GROUP BY GROUPING SETS ((corrente, d), (corrente))""",  # noqa: S608  # nosec B608
        "",
    )
    # Distinct hosts per S3 area (NULL = none), per district and in total, current year.
    tabelle["aree_s3"] = (
        f"""SELECT a.areas3_id AS area, po.d, GROUPING(po.d) AS solo_area, COUNT(DISTINCT po.org) AS n
        FROM po LEFT JOIN {t["o_aree"]} a ON a.organizzazione_id = po.org
        WHERE po.sel AND po.corrente GROUP BY GROUPING SETS ((a.areas3_id, po.d), (a.areas3_id))""",  # noqa: S608  # nosec B608
        "",
    )
    # Projects per thematic area and district, current year.
    tabelle["ambiti"] = (
        f"""SELECT pa.ambitotematico_id AS ambito, p.d, COUNT(*) AS n
        FROM p JOIN {t["p_ambiti"]} pa ON pa.progetto_id = p.id
        WHERE p.sel AND p.corrente GROUP BY 1, 2""",  # noqa: S608  # nosec B608
        "",
    )
    # Flows: district of the project x district of the host's comune (NULL = outside), whole network.
    tabelle["flussi"] = (
        f"""SELECT po.d AS da, c.distretto_id AS a, COUNT(*) AS n
        FROM po JOIN {t["org"]} o ON o.id = po.org LEFT JOIN {t["comune"]} c ON c.id = o.comune_id
        WHERE po.corrente GROUP BY 1, 2""",  # noqa: S608  # nosec B608
        "",
    )
    # Hosts with most placements (grouped by name and comune, as listed), current year.
    tabelle["top_organizzazioni"] = (
        f"""SELECT o.nome, c.nome AS comune, COUNT(*) AS inserimenti, SUM(po.st) AS studenti
        FROM po JOIN {t["org"]} o ON o.id = po.org LEFT JOIN {t["comune"]} c ON c.id = o.comune_id
        WHERE po.sel AND po.corrente GROUP BY o.nome, c.nome ORDER BY 3 DESC, 4 DESC, 1, 2 LIMIT {TOP_N:d}""",  # noqa: S608  # nosec B608
        "t.inserimenti DESC, t.studenti DESC, t.nome, t.comune",
    )
    # Schools with most students (grouped by name and comune, as listed), current year.
    tabelle["top_scuole"] = (
        f"""SELECT denominazione AS nome, comune_nome AS comune, SUM(n) AS progetti, SUM(st) AS studenti
        FROM ps WHERE sel AND corrente
        GROUP BY denominazione, comune_nome ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT {TOP_N:d}""",  # noqa: S608  # nosec B608
        "t.studenti DESC, t.progetti DESC, t.nome, t.comune",
    )
    # The projects with most students (their titles read for these rows only).
    tabelle["elenco_progetti"] = (
        f"""SELECT x.id AS pk, pr.titolo, x.st AS studenti_totale, x.sr AS studenti_ragazze,
            x.ore AS ore_svolte, s.denominazione AS scuola_nome, dd.nome AS distretto_nome
        FROM (SELECT id, st, sr, ore, scuola_id, d FROM p WHERE sel AND corrente
              ORDER BY st DESC, ore DESC, id LIMIT {MAX_RIGHE_ELENCO:d}) x
        JOIN {t["progetto"]} pr ON pr.id = x.id JOIN {t["scuola"]} s ON s.id = x.scuola_id
        JOIN {t["distretto"]} dd ON dd.id = x.d""",  # noqa: S608  # nosec B608
        "t.studenti_totale DESC, t.ore_svolte DESC, t.pk",
    )
    # Gaps: comuni where no school has a project, current year.
    tabelle["comuni_senza"] = (
        f"""SELECT c.nome, dd.nome AS distretto_nome
        FROM {t["comune"]} c JOIN {t["distretto"]} dd ON dd.id = c.distretto_id
        WHERE c.id NOT IN (SELECT comune_id FROM ps WHERE sel AND corrente) {nel_distretto("AND")}""",  # noqa: S608  # nosec B608
        "t.distretto_nome, t.nome",
    )
    # Gaps: active secondary schools without projects, current year (all counted, the first listed;
    # schools of the same name in the same comune in the order of their code).
    tabelle["scuole_senza"] = (
        f"""SELECT s.codice_meccanografico, s.denominazione, c.nome AS comune_nome,
            dd.nome AS distretto_nome, COUNT(*) OVER () AS totale
        FROM {t["scuola"]} s JOIN {t["comune"]} c ON c.id = s.comune_id
        JOIN {t["distretto"]} dd ON dd.id = c.distretto_id
        WHERE {secondaria()} AND s.id NOT IN (SELECT scuola_id FROM ps WHERE sel AND corrente)
            {nel_distretto("AND")}
        ORDER BY dd.nome, c.nome, s.denominazione, s.codice_meccanografico LIMIT {MAX_RIGHE_ELENCO:d}""",  # noqa: S608  # nosec B608
        "t.distretto_nome, t.comune_nome, t.denominazione, t.codice_meccanografico",
    )
    # Small tables: comuni, active secondary schools and known enrolment per district.
    tabelle["comuni"] = (
        f"""SELECT c.distretto_id AS d, COUNT(*) AS n FROM {t["comune"]} c {nel_distretto("WHERE")}
        GROUP BY 1""",  # noqa: S608  # nosec B608
        "",
    )
    tabelle["scuole"] = (
        f"""SELECT c.distretto_id AS d, COUNT(*) FILTER (WHERE {secondaria()}) AS secondarie,
            SUM(s.studenti) FILTER (WHERE s.attiva AND s.studenti > 0) AS iscritti
        FROM {t["scuola"]} s JOIN {t["comune"]} c ON c.id = s.comune_id {nel_distretto("WHERE")}
        GROUP BY 1""",  # noqa: S608  # nosec B608
        "",
    )
    colonne = []
    for nome, (corpo, ordine) in tabelle.items():
        ordinato = f" ORDER BY {ordine}" if ordine else ""
        colonne.append(f"(SELECT COALESCE(json_agg(t{ordinato}), '[]')::text FROM ({corpo}) t) AS {nome}")  # noqa: S608  # nosec B608
    orm = orm or {}
    for nome, voce in orm.items():
        sql_orm, parametri_orm = voce[-1].query.sql_with_params()
        parametri.extend(parametri_orm)
        if voce[0] == "righe":
            colonne.append(f"(SELECT COALESCE(json_agg(t), '[]')::text FROM ({sql_orm}) t) AS {nome}")  # noqa: S608  # nosec B608
        else:
            colonne.append(f"(SELECT {voce[1]} FROM ({sql_orm}) t) AS {nome}")  # noqa: S608  # nosec B608
    sql += ",\n".join(colonne)
    with connection.cursor() as cursor:
        cursor.execute(sql, parametri)
        riga = cursor.fetchone()
    nomi = [*tabelle, *orm]
    return {
        nome: valore if nome in orm and orm[nome][0] == "scalare" else json.loads(valore, parse_float=Decimal)
        for nome, valore in zip(nomi, riga, strict=True)
    }


def _misure(estratto: dict, reti: dict, distretti: list[Distretto]) -> dict:
    """Raw sums per (year, district id) and per year for the whole selection: {anno: (per, totale)}.

    `reti` maps [current year, previous year] to their rows of query_rete; the extracted project rows
    tell the two years apart by `corrente`.
    """
    anno, prima = reti
    per = {anno: defaultdict(Misure), prima: defaultdict(Misure)}

    def anno_di(r: dict) -> str:
        return anno if r.pop("corrente") else prima

    for tabella in ("misure", "copertura"):
        for r in estratto[tabella]:
            m = per[anno_di(r)][r.pop("d")]
            for k, v in r.items():
                setattr(m, k, v)
    ospitanti_totali = {}
    for r in estratto["ospitanti"]:
        a = anno_di(r)
        if r["solo_anno"]:
            ospitanti_totali[a] = r["organizzazioni"]
            continue
        m = per[a][r["d"]]
        m.organizzazioni_ospitanti = r["organizzazioni"]
        m.inserimenti, m.inserimenti_s3 = r["inserimenti"], r["allineati"]
    n_comuni = {r["d"]: r["n"] for r in estratto["comuni"]}
    n_secondarie = {r["d"]: r["secondarie"] for r in estratto["scuole"]}
    iscritti = {r["d"]: r["iscritti"] or 0 for r in estratto["scuole"]}

    risultato = {}
    for a, rete in reti.items():
        per_anno = per[a]
        for d in distretti:
            m = per_anno[d.pk]
            m.iscritti_noti = iscritti.get(d.pk, 0)
            m.comuni = n_comuni.get(d.pk, 0)
            m.comuni_senza_progetti = m.comuni - getattr(m, "comuni_con", 0)
            m.scuole_secondarie = n_secondarie.get(d.pk, 0)
            m.scuole_senza_progetti = m.scuole_secondarie - getattr(m, "secondarie_con", 0)
        totale = _misure_rete(per_anno, distretti, rete)
        totale.organizzazioni_ospitanti = ospitanti_totali.get(a, 0)
        risultato[a] = (per_anno, totale)
    return risultato


def query_rete(anno: str, distretto=None, ambito=None) -> dict:
    """The queries of actions, technical assistance and agreements of a year (small tables), for _estrai."""
    inizio, fine = periodo(anno)
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
    assistenze = AssistenzaTecnica.objects.filter(data__range=(inizio, fine))
    if distretto is not None:
        assistenze = assistenze.filter(distretto=distretto)
    if ambito is not None:
        assistenze = assistenze.filter(azione__ambiti=ambito)
    accordi = accordi_attivi(anno)
    if distretto is not None:
        accordi = accordi.filter(distretti=distretto)

    def per_distretto(relazione, qs) -> tuple[str, QuerySet]:
        """Rows (distretto_id, n): how many distinct records of `qs` involve each district."""
        tramite = relazione.through
        campo = relazione.field.m2m_field_name()  # the through table's column of the record
        return (
            "righe",
            tramite.objects.filter(**{f"{campo}__in": qs.values("pk")})
            .values("distretto_id")
            .annotate(n=Count(f"{campo}_id", distinct=True))
            .order_by(),
        )

    return {
        "azioni": per_distretto(AzioneDiRete.distretti, azioni),
        # An action or agreement involving several districts counts once in the total.
        "azioni_totale": ("scalare", "COUNT(*)", azioni.values("pk").distinct()),
        "assistenza": ("righe", assistenze.values("distretto_id").annotate(ore_tot=Sum("ore")).order_by()),
        "assistenza_totale": ("scalare", "COALESCE(SUM(t.ore), 0)", assistenze.values("ore")),
        "accordi": per_distretto(Accordo.distretti, accordi),
        "accordi_totale": ("scalare", "COUNT(*)", accordi.values("pk").distinct()),
    }


def _misure_rete(per: dict, distretti, rete: dict) -> Misure:
    """Actions, technical assistance and agreements of a year (rows of query_rete), and the network total."""
    totale = Misure()
    additive = (
        "progetti", "studenti", "ragazze", "straniera", "ore", "sicurezza", "tecnici_studenti",
        "tecnici_ragazze", "studenti_scuole_note", "iscritti_noti", "inserimenti", "inserimenti_s3",
        "comuni", "comuni_senza_progetti", "scuole_secondarie", "scuole_senza_progetti",
    )  # fmt: skip
    for nome in additive:
        setattr(totale, nome, sum(getattr(per[d.pk], nome) for d in distretti))
    for r in rete["azioni"]:
        per[r["distretto_id"]].azioni_interdistrettuali = r["n"]
    totale.azioni_interdistrettuali = rete["azioni_totale"]
    for r in rete["assistenza"]:
        per[r["distretto_id"]].ore_assistenza = Decimal(r["ore_tot"] or 0)
    totale.ore_assistenza = rete["assistenza_totale"]
    for r in rete["accordi"]:
        per[r["distretto_id"]].accordi_attivi = r["n"]
    totale.accordi_attivi = rete["accordi_totale"]
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
    tutti = list(Distretto.objects.order_by("nome"))
    distretti = [distretto] if distretto is not None else tutti
    # The small-table queries of both years travel in the same statement as the project figures.
    query = [query_rete(a, distretto, ambito) for a in (anno, prima)]
    orm = {f"{nome}_{i}": voce for i, q in enumerate(query) for nome, voce in q.items()}
    estratto = _estrai(anno, prima, distretto, ambito, orm)
    reti = {
        a: {nome: estratto[f"{nome}_{i}"] for nome in q}
        for i, (a, q) in enumerate(zip((anno, prima), query, strict=True))
    }
    misure = _misure(estratto, reti, distretti)
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
    ind.aree_s3 = _aree_s3(estratto["aree_s3"], distretti)
    ind.ambiti = _ambiti(
        estratto["ambiti"], distretti, {r.distretto.pk: r.att["progetti"] for r in righe}, att["progetti"]
    )
    ind.flussi = _flussi(estratto["flussi"], tutti, distretto)
    ind.comuni_senza_progetti = estratto["comuni_senza"]
    ind.scuole_senza_progetti = estratto["scuole_senza"]
    ind.scuole_senza_progetti_totale = 0
    for scuola in ind.scuole_senza_progetti:
        ind.scuole_senza_progetti_totale = scuola.pop("totale")
    ind.top_organizzazioni = estratto["top_organizzazioni"]
    ind.top_scuole = estratto["top_scuole"]
    ind.elenco_progetti = estratto["elenco_progetti"]
    return ind


def _aree_s3(righe_sql: list[dict], distretti) -> list[dict]:
    """Distinct host organisations per S3 area, per district and in total (None = no S3 area)."""
    per = defaultdict(dict)
    totali = {}
    for r in righe_sql:
        if r["solo_area"]:
            totali[r["area"]] = r["n"]
        else:
            per[r["area"]][r["d"]] = r["n"]
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


def _ambiti(
    righe_sql: list[dict], distretti, progetti_per_distretto: dict, progetti_totale: int
) -> list[dict]:
    """Projects per thematic area, per district and in total, with the share of projects covered."""
    per = defaultdict(dict)
    for r in righe_sql:
        per[r["ambito"]][r["d"]] = r["n"]
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


def _flussi(righe_sql: list[dict], tutti: list[Distretto], distretto=None) -> dict:
    """Placements by district of the school (rows) and district of the host organisation (columns).

    Computed over the whole network (a district report shows the flows leaving and entering it); the
    last column counts hosts outside the metropolitan city.
    """
    indice = {d.pk: i for i, d in enumerate(tutti)}
    matrice = [[0] * (len(tutti) + 1) for _ in tutti]
    for r in righe_sql:
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
