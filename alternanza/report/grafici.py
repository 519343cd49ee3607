"""Charts of the reports and of the dashboard, drawn by pygal as SVG.

pygal's SVG carries an inline <script> and <style>: neither is allowed by the portal's strict CSP,
and WeasyPrint needs neither. `_pulisci` removes both, writes the colours as presentation attributes
(so the chart looks the same in the browser and in the PDF), and adds a <title> to every bar: the
browser shows it as a tooltip, with no JavaScript at all. Fonts and the few remaining rules come from
report/css/grafici.css (web) and the print stylesheet (PDF).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from alternanza.report.indicatori import tabelle_tendenza
from alternanza.report.templatetags.report_tags import cifra

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

# Colours of the series that are not districts (years, genders, kinds of flow), each ≥ 3:1 against white
# for graphical objects. None of them is a district's colour (distretti.COLORI_DISTRETTI): a colour that
# means a district in one chart never means a year or a gender in another, in the PDF or the dashboard.
COLORI = ("#17324D", "#8C8C8C", "#4D4D4D")
FONT = "Titillium Web, Helvetica, Arial, sans-serif"
COLORE_RIFERIMENTO = "#1A1A1A"  # the metropolitan line of the trend charts: near-black, solid

STILE = Style(
    font_family=FONT,
    background="#FFFFFF",
    plot_background="#FFFFFF",
    foreground="#1A1A1A",
    foreground_strong="#1A1A1A",
    foreground_subtle="#5D7083",
    colors=COLORI,
    title_font_size=18,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    tooltip_font_size=13,
)


def numero(valore, decimali: int = 0) -> str:
    """Italian number: 12.345 / 38,5."""
    if valore is None:
        return "–"
    return cifra(valore, decimali)


def _config(**extra) -> dict:
    base = {
        "style": STILE,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 800,
        "height": 420,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "truncate_label": 28,
        "truncate_legend": 40,
        "margin": 12,
        "margin_bottom": 28,
        "spacing": 10,
        "show_y_guides": True,
        "value_formatter": lambda v: numero(v, 0 if float(v or 0).is_integer() else 1),
    }
    base.update(extra)
    return base


def _classi(el) -> list[str]:
    return (el.get("class") or "").split()


def _valori_fuori_dalle_barre(radice, orizzontale: bool) -> None:
    """Put each printed value just past the end of its bar, in dark text (pygal centres it inside the
    bar in the bar's own colour, unreadable on paper, and a short bar hides it)."""
    q = f"{{{SVG_NS}}}"
    barre: dict[str, list] = {}
    testi: dict[str, list] = {}
    for gruppo in radice.iter(f"{q}g"):
        classi = _classi(gruppo)
        if "series" not in classi:
            continue
        chiave = next((c for c in classi if c.startswith("serie-")), "")
        rettangoli = [
            r for b in gruppo.iter(f"{q}g") if "bar" in _classi(b) for r in b if r.tag == f"{q}rect"
        ]
        valori = [t for t in gruppo if t.tag == f"{q}text" and "value" in _classi(t)]
        if rettangoli:
            barre[chiave] = rettangoli
        if valori:
            testi[chiave] = valori
    for chiave, valori in testi.items():
        for testo, rett in zip(valori, barre.get(chiave, []), strict=False):
            x, y = float(rett.get("x", 0)), float(rett.get("y", 0))
            larghezza, altezza = float(rett.get("width", 0)), float(rett.get("height", 0))
            if orizzontale:
                testo.set("x", f"{x + larghezza + 4:.1f}")
                testo.set("y", f"{y + altezza / 2 + 4:.1f}")
                testo.set("text-anchor", "start")
            else:
                testo.set("x", f"{x + larghezza / 2:.1f}")
                testo.set("y", f"{y - 4:.1f}")
                testo.set("text-anchor", "middle")
            testo.set("fill", "#1A1A1A")
            testo.set("stroke", "none")


def _pulisci(
    svg: str,
    titolo: str,
    serie: list[str],
    orizzontale: bool = False,
    colori: list[str] | None = None,
    tratteggi: list[str] | None = None,
) -> str:
    """pygal's SVG made CSP-safe and printable (see the module docstring). `colori` and `tratteggi`
    give each series its own colour and line pattern (a district's, see distretti.COLORI_DISTRETTI)."""
    radice = ET.fromstring(svg)  # noqa: S314 - pygal's own output, not user input  # nosec B314
    q = f"{{{SVG_NS}}}"
    for padre in list(radice.iter()):
        for figlio in list(padre):
            if (
                not isinstance(figlio.tag, str)
                or figlio.tag in (f"{q}script", f"{q}style")
                or "tooltip" in _classi(figlio)
            ):
                padre.remove(figlio)  # scripts, styles, comments and the script's (invisible) tooltip
    radice.set("font-family", FONT)
    # Explicit size from the viewBox: WeasyPrint and browsers then keep the ratio when CSS scales it.
    vista = (radice.get("viewBox") or "0 0 800 420").split()
    radice.set("width", vista[2])
    radice.set("height", vista[3])
    radice.set("role", "img")
    radice.set("aria-label", titolo)
    radice.set("class", "pygal-chart grafico-report")
    _attributi(radice, frozenset(_classi(radice)), tuple(colori or COLORI))
    if tratteggi:
        _tratteggia(radice, tratteggi)
    _valori_fuori_dalle_barre(radice, orizzontale)
    # Tooltips: <title> as first child of each value group ("Serie – etichetta: valore").
    for gruppo_serie in radice.iter(f"{q}g"):
        classi = _classi(gruppo_serie)
        if "series" not in classi:
            continue
        indice = next((int(c[6:]) for c in classi if c.startswith("serie-") and c[6:].isdigit()), 0)
        nome_serie = serie[indice] if indice < len(serie) else ""
        for gruppo in gruppo_serie.iter(f"{q}g"):
            valori = [d for d in gruppo if d.tag == f"{q}desc" and "value" in _classi(d)]
            if not valori:
                continue
            etichetta = next((d.text for d in gruppo if d.tag == f"{q}desc" and "x_label" in _classi(d)), "")
            testo = " – ".join(p for p in (nome_serie, etichetta) if p) + f": {valori[0].text}"
            titolo_el = ET.Element(f"{q}title")
            titolo_el.text = testo
            gruppo.insert(0, titolo_el)
    # ElementTree's prefix map is global and other code may change it: make SVG the default namespace.
    testo = ET.tostring(radice, encoding="unicode")
    prefisso = re.match(r"<(\w+):svg\b", testo)
    if prefisso:
        p = prefisso.group(1)
        testo = re.sub(rf"<(/?){p}:", r"<\1", testo).replace(f"xmlns:{p}=", "xmlns=", 1)
    return testo


def _ancora(el, classi: set, antenati: frozenset) -> str | None:
    """text-anchor of a text element, as pygal's graph.css would set it."""
    if classi & {"title", "centered", "no_data"}:
        return "middle"
    if "axis" in antenati and "y2" in antenati:
        return "start"
    if "axis" in antenati and "y" in antenati:
        return "end"
    if "axis" in antenati and "x" in antenati:
        return "start" if el.get("transform") else "middle"
    return None


def _tratteggia(radice, tratteggi: list[str]) -> None:
    """Each series' line drawn with its pattern, and its legend swatch turned into a sample of the line
    (colour alone never tells two series apart)."""
    q = f"{{{SVG_NS}}}"
    for gruppo in radice.iter(f"{q}g"):
        classi = _classi(gruppo)
        indice = next((int(c[6:]) for c in classi if c.startswith("serie-") and c[6:].isdigit()), None)
        if indice is None or indice >= len(tratteggi):
            continue
        for linea in gruppo.iter(f"{q}path"):
            if "line" in _classi(linea):
                linea.set("stroke-width", "2.5")
                if tratteggi[indice]:
                    linea.set("stroke-dasharray", tratteggi[indice])
    # pygal writes one legend entry per series, in the order of the series.
    voci = [g for g in radice.iter(f"{q}g") if "legend" in _classi(g)]
    for indice, voce in enumerate(voci):
        rettangolo = next((r for r in voce if r.tag == f"{q}rect"), None)
        if rettangolo is None or indice >= len(tratteggi):
            continue
        colore = rettangolo.get("fill", "#1A1A1A")
        x, y = float(rettangolo.get("x", 0)), float(rettangolo.get("y", 0))
        lato = float(rettangolo.get("height", 12))
        rettangolo.set("fill", "none")
        rettangolo.set("stroke", "none")
        campione = ET.SubElement(voce, f"{q}path")
        campione.set("d", f"M{x:.1f} {y + lato / 2:.1f} h{lato:.1f}")
        campione.set("stroke", colore)
        campione.set("stroke-width", "4")
        campione.set("fill", "none")
        if tratteggi[indice]:
            campione.set("stroke-dasharray", tratteggi[indice])


def _attributi(el, antenati: frozenset, colori: tuple[str, ...] = COLORI) -> None:
    """Turn pygal's CSS into presentation attributes (colours, anchors), walking down the tree."""
    q = f"{{{SVG_NS}}}"
    el.attrib.pop("id", None)  # pygal's ids repeat across charts (and serve only its script)
    el.attrib.pop("style", None)  # an inline style breaks the strict CSP (style-src without 'unsafe-inline')
    if el.tag == f"{q}rect":
        # pygal leaves out the size of a zero-length bar; SVG requires it (the HTML validator says so).
        el.attrib.setdefault("width", "0")
        el.attrib.setdefault("height", "0")
    classi = set(_classi(el))
    tutte = antenati | classi
    if "background" in classi:
        el.set("fill", "#FFFFFF")
    elif el.tag == f"{q}path" and "line" in classi and "series" in antenati:
        el.set("fill", "none")  # a series' line: its colour comes from the series group
    elif el.tag == f"{q}path" and ("line" in classi or "axis" in classi):
        nascosta = ("horizontal" in tutte and "y" in tutte) or ("vertical" in tutte and "x" in tutte)
        el.set("stroke", "none" if nascosta and "guide" in classi else "#C5C7C9")
        el.set("fill", "none")
    for c in classi:
        m = re.fullmatch(r"color-(\d+)", c)
        if m:
            colore = colori[int(m.group(1)) % len(colori)]
            el.set("fill", colore)
            el.set("stroke", colore)
    if el.tag == f"{q}text":
        ancora = _ancora(el, classi, tutte)
        if ancora:
            el.set("text-anchor", ancora)
        if "title" in classi:
            el.set("font-size", "18")
            el.set("font-weight", "600")
        elif "value" in classi:
            el.set("font-size", "11")
        else:
            el.set("font-size", "12")
            if "axis" in tutte:
                el.set("fill", "#333333")
    for figlio in el:
        _attributi(figlio, tutte, colori)


def _render(grafico, titolo: str, serie: list[str], orizzontale: bool = False) -> str:
    return _pulisci(grafico.render(is_unicode=True), titolo, serie, orizzontale)


def tacche_intere(massimo: float, quante: int = 5) -> list[int]:
    """Integer axis ticks from 0 past `massimo` with a round step (1, 2, 5 × 10ⁿ): never 0,2 for counts."""
    massimo = max(1, math.ceil(massimo or 0))
    grezzo = massimo / quante
    scala = 10 ** max(0, math.floor(math.log10(grezzo))) if grezzo >= 1 else 1
    passo = next(m * scala for m in (1, 2, 5, 10) if m * scala >= grezzo)
    return list(range(0, (math.ceil(massimo / passo) + 1) * passo, passo))


def ordina(etichette: list[str], serie: dict[str, list], chiave: list | None = None):
    """Labels and series reordered by `chiave` (default: the sum of the series), largest first."""
    if chiave is None:
        chiave = [sum(float(s[i] or 0) for s in serie.values()) for i in range(len(etichette))]
    ordine = sorted(range(len(etichette)), key=lambda i: (-float(chiave[i] or 0), etichette[i]))
    return [etichette[i] for i in ordine], {n: [v[i] for i in ordine] for n, v in serie.items()}


def barre(
    titolo: str,
    etichette: list[str],
    serie: dict[str, list],
    orizzontale=False,
    impilate=False,
    conteggi=True,
    **kw,
) -> str:
    """A (horizontal, stacked) bar chart; `serie` maps a legend name to one value per label.

    Values are printed on the bars (readable on paper, no hover needed); counts get integer ticks.
    Horizontal bars keep long names whole (no truncation, no overlap); pygal draws the first label at
    the bottom, so the labels are reversed to read the largest first from the top.
    """
    classe = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(orizzontale, impilate)]
    valori_serie = {n: [None if v is None else float(v) for v in vs] for n, vs in serie.items()}
    if orizzontale:
        kw.setdefault("height", max(220, (26 if len(serie) == 1 else 20 * len(serie)) * len(etichette) + 130))
        kw.setdefault("truncate_label", -1)
        etichette = list(reversed(etichette))
        valori_serie = {n: list(reversed(vs)) for n, vs in valori_serie.items()}
    if conteggi:
        if impilate:
            massimo = max(
                (sum(vs[i] or 0 for vs in valori_serie.values()) for i in range(len(etichette))), default=0
            )
        else:
            massimo = max((v or 0 for vs in valori_serie.values() for v in vs), default=0)
        kw.setdefault("y_labels", tacche_intere(massimo))
        kw.setdefault("value_formatter", lambda v: numero(v, 0))
    # Values on single bars; a stacked bar's segments are too small for them (the table under it has them).
    kw.setdefault("print_values", not impilate)
    grafico = classe(**_config(title=titolo, **kw))
    grafico.x_labels = etichette
    for nome, valori in valori_serie.items():
        grafico.add(nome, valori)
    return _render(grafico, titolo, list(serie), orizzontale)


def linee(
    titolo: str,
    etichette: list[str],
    serie: dict[str, list],
    colori: list[str],
    tratteggi: list[str],
    percentuale: bool = False,
    **kw,
) -> str:
    """A line chart over the school years: one line per series in its own colour and pattern.

    A missing value (None: a year without data) interrupts the line instead of dropping it to 0.
    """
    valori_serie = {n: [None if v is None else float(v) for v in vs] for n, vs in serie.items()}
    massimo = max((v for vs in valori_serie.values() for v in vs if v is not None), default=0)
    kw.setdefault("y_labels", tacche_intere(massimo))
    if percentuale:
        kw.setdefault("value_formatter", lambda v: numero(v, 1) + " %")
    else:
        kw.setdefault("value_formatter", lambda v: numero(v, 0 if float(v).is_integer() else 1))
    kw.setdefault("legend_box_size", 18)
    kw.setdefault("legend_at_bottom_columns", 2)
    grafico = pygal.Line(**_config(title=titolo, allow_interruptions=True, dots_size=3.5, **kw))
    grafico.x_labels = etichette
    for nome, valori in valori_serie.items():
        grafico.add(nome, valori)
    return _pulisci(grafico.render(is_unicode=True), titolo, list(serie), colori=colori, tratteggi=tratteggi)


# --- The charts of a report ----------------------------------------------------------------------


def specifiche(ind, rete=None) -> list[dict]:
    """What each chart of an Indicatori shows: name, title, labels and series (sorted by value).

    The one source of the charts of the PDF and of the dashboard, of the table under each chart on the
    dashboard and of its CSV export: all show the same figures. `rete` (the network's Indicatori, for a
    one-district selection) gives the metropolitan line of the trend charts.
    """
    nomi = [r.distretto.nome for r in ind.righe]
    specifiche = []

    def aggiungi(nome, titolo, etichette, serie, **opzioni):
        vuoto = not any(float(v or 0) for valori in serie.values() for v in valori)
        specifiche.append(
            {
                "nome": nome,
                "titolo": titolo,
                "etichette": etichette,
                "serie": serie,
                "vuoto": vuoto,
                **opzioni,
            }
        )

    etichette, serie = ordina(
        nomi,
        {
            ind.anno: [r.att["progetti"] for r in ind.righe],
            ind.anno_precedente: [r.prec["progetti"] for r in ind.righe],
        },
        chiave=[r.att["progetti"] for r in ind.righe],
    )
    aggiungi("progetti", _("Progetti per distretto"), etichette, serie, orizzontale=True)
    etichette, serie = ordina(
        nomi,
        {
            _("Ragazze"): [_ragazze(r) for r in ind.righe],
            _("Ragazzi"): [r.att["studenti"] - _ragazze(r) for r in ind.righe],
        },
    )
    aggiungi(
        "studenti",
        _("Studenti coinvolti per distretto, per genere"),
        etichette,
        serie,
        orizzontale=True,
        impilate=True,
    )
    etichette, serie = ordina([r["distretto"].nome for r in ind.flussi["righe"]], _serie_flussi(ind))
    aggiungi(
        "flussi",
        _("Inserimenti per provenienza della struttura ospitante"),
        etichette,
        serie,
        orizzontale=True,
        impilate=True,
    )
    aree = [a for a in ind.aree_s3 if a["totale"]]
    if aree:
        etichette, serie = ordina(
            [a["area"] for a in aree], {_("Organizzazioni"): [a["totale"] for a in aree]}
        )
        aggiungi(
            "aree_s3",
            _("Organizzazioni ospitanti per area S3"),
            etichette,
            serie,
            orizzontale=True,
            show_legend=False,
        )
    etichette, serie = ordina(
        [_(a["ambito"]) for a in ind.ambiti], {_("% dei progetti"): [a["quota"] or 0 for a in ind.ambiti]}
    )
    aggiungi(
        "ambiti",
        _("Quota di progetti per ambito tematico (%)"),
        etichette,
        serie,
        orizzontale=True,
        show_legend=False,
        conteggi=False,
        percentuale=True,
    )
    for tabella in tabelle_tendenza(ind, rete):
        if tabella["chiave"] not in ("progetti", "quota_ragazze"):
            continue
        anni = [a["anno"] if a["con_dati"] else _("%(anno)s (n.d.)") % a for a in tabella["anni"]]
        serie = {r["nome"]: r["valori"] for r in tabella["righe"]}
        colori = [r["distretto"].colore for r in tabella["righe"]]
        tratteggi = [r["distretto"].tratteggio for r in tabella["righe"]]
        # The network report's count lines are the districts alone (the total would flatten them).
        if tabella["perc"] or rete is not None:
            serie[str(tabella["riferimento"]["nome"])] = tabella["riferimento"]["valori"]
            colori.append(COLORE_RIFERIMENTO)
            tratteggi.append("")
        aggiungi(
            f"tendenza_{tabella['chiave']}",
            _("%(indicatore)s per anno scolastico") % {"indicatore": tabella["etichetta"]},
            anni,
            serie,
            linee=True,
            colori=colori,
            tratteggi=tratteggi,
            percentuale=tabella["perc"],
        )
    return specifiche


def disegna(spec: dict) -> str:
    """The SVG of one chart specification (see specifiche)."""
    opzioni = {
        k: v
        for k, v in spec.items()
        if k not in ("nome", "titolo", "etichette", "serie", "vuoto", "percentuale")
    }
    etichette = spec["etichette"]
    if spec.get("linee"):
        return linee(
            spec["titolo"],
            etichette,
            spec["serie"],
            spec["colori"],
            spec["tratteggi"],
            percentuale=spec.get("percentuale", False),
        )
    if spec.get("percentuale"):
        etichette = [_breve(e) for e in etichette]  # the full names are in the table under the chart
        massimo = max((float(v or 0) for v in next(iter(spec["serie"].values()), [])), default=0)
        opzioni.setdefault("y_labels", tacche_intere(massimo))
        opzioni.setdefault("value_formatter", lambda v: numero(v, 1) + " %")
    return barre(spec["titolo"], etichette, spec["serie"], **opzioni)


def grafici_report(ind, rete=None) -> dict[str, str]:
    """The SVG charts of an Indicatori (see indicatori.calcola), keyed by name.

    District charts are horizontal bars sorted by value (district names are long: "Reno, Lavino e
    Samoggia"), with the values printed; the same code draws the PDF's charts and the dashboard's.
    """
    return {spec["nome"]: disegna(spec) for spec in specifiche(ind, rete)}


def _breve(testo: str, limite: int = 42) -> str:
    """A long label cut at a word with an ellipsis (pygal does not wrap labels)."""
    if len(testo) <= limite:
        return testo
    return testo[: limite - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _ragazze(riga) -> int:
    return riga.att["ragazze"]


def _serie_flussi(ind) -> dict[str, list]:
    colonne = ind.flussi["colonne"]
    stesso, altri, fuori = [], [], []
    for r in ind.flussi["righe"]:
        indice = colonne.index(r["distretto"])
        stesso.append(r["valori"][indice])
        fuori.append(r["valori"][-1])
        altri.append(r["totale"] - r["valori"][indice] - r["valori"][-1])
    return {
        _("Stesso distretto"): stesso,
        _("Altro distretto"): altri,
        _("Fuori dalla Città metropolitana"): fuori,
    }


def png(svg: str, scala: float = 2.0) -> bytes:
    """A chart's SVG as PNG (cairosvg, the SVG rasteriser of pygal's own render_to_png), twice the size
    for sharp slides and documents."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scala, background_color="white")
