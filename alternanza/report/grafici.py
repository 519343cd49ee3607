"""Charts of the reports and of the dashboard, drawn by pygal as SVG.

pygal's SVG carries an inline <script> and <style>: neither is allowed by the portal's strict CSP,
and WeasyPrint needs neither. `_pulisci` removes both, writes the colours as presentation attributes
(so the chart looks the same in the browser and in the PDF), and adds a <title> to every bar: the
browser shows it as a tooltip, with no JavaScript at all. Fonts and the few remaining rules come from
report/css/grafici.css (web) and the print stylesheet (PDF).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

# Bootstrap Italia palette (contrast ≥ 3:1 against white for graphical objects).
COLORI = ("#0066CC", "#D1344C", "#008055", "#A66300", "#5C2F8C", "#00264D", "#5D7083", "#0F7A8A")
FONT = "Titillium Web, Helvetica, Arial, sans-serif"

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
    return number_format(valore, decimal_pos=decimali, use_l10n=True, force_grouping=True)


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


def _pulisci(svg: str, titolo: str, serie: list[str]) -> str:
    radice = ET.fromstring(svg)  # noqa: S314 - pygal's own output, not user input  # nosec B314
    q = f"{{{SVG_NS}}}"
    for padre in list(radice.iter()):
        for figlio in list(padre):
            if figlio.tag in (f"{q}script", f"{q}style") or not isinstance(figlio.tag, str):
                padre.remove(figlio)  # scripts, styles and comments
    radice.set("font-family", FONT)
    # Explicit size from the viewBox: WeasyPrint and browsers then keep the ratio when CSS scales it.
    vista = (radice.get("viewBox") or "0 0 800 420").split()
    radice.set("width", vista[2])
    radice.set("height", vista[3])
    radice.set("role", "img")
    radice.set("aria-label", titolo)
    radice.set("class", "pygal-chart grafico-report")
    _attributi(radice, frozenset(_classi(radice)))
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


def _attributi(el, antenati: frozenset) -> None:
    """Turn pygal's CSS into presentation attributes (colours, anchors), walking down the tree."""
    q = f"{{{SVG_NS}}}"
    el.attrib.pop("id", None)  # pygal's ids repeat across charts (and serve only its script)
    classi = set(_classi(el))
    tutte = antenati | classi
    if "background" in classi:
        el.set("fill", "#FFFFFF")
    elif el.tag == f"{q}path" and ("line" in classi or "axis" in classi):
        nascosta = ("horizontal" in tutte and "y" in tutte) or ("vertical" in tutte and "x" in tutte)
        el.set("stroke", "none" if nascosta and "guide" in classi else "#C5C7C9")
        el.set("fill", "none")
    for c in classi:
        m = re.fullmatch(r"color-(\d+)", c)
        if m:
            colore = COLORI[int(m.group(1)) % len(COLORI)]
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
        _attributi(figlio, tutte)


def _render(grafico, titolo: str, serie: list[str]) -> str:
    return _pulisci(grafico.render(is_unicode=True), titolo, serie)


def barre(
    titolo: str, etichette: list[str], serie: dict[str, list], orizzontale=False, impilate=False, **kw
) -> str:
    """A (horizontal, stacked) bar chart; `serie` maps a legend name to one value per label."""
    classe = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(orizzontale, impilate)]
    if orizzontale:
        kw.setdefault("height", max(260, 34 * len(etichette) + 120))
    grafico = classe(**_config(title=titolo, **kw))
    grafico.x_labels = etichette
    for nome, valori in serie.items():
        grafico.add(nome, [None if v is None else float(v) for v in valori])
    return _render(grafico, titolo, list(serie))


# --- The charts of a report ----------------------------------------------------------------------


def grafici_report(ind) -> dict[str, str]:
    """The SVG charts of an Indicatori (see indicatori.calcola), keyed by name."""
    nomi = [r.distretto.nome for r in ind.righe]
    grafici = {
        "progetti": barre(
            _("Progetti per distretto"),
            nomi,
            {
                ind.anno_precedente: [r.prec["progetti"] for r in ind.righe],
                ind.anno: [r.att["progetti"] for r in ind.righe],
            },
        ),
        "studenti": barre(
            _("Studenti coinvolti per distretto, per genere"),
            nomi,
            {
                _("Ragazze"): [_ragazze(r) for r in ind.righe],
                _("Ragazzi"): [r.att["studenti"] - _ragazze(r) for r in ind.righe],
            },
            impilate=True,
        ),
        "flussi": barre(
            _("Inserimenti per provenienza della struttura ospitante"),
            [r["distretto"].nome for r in ind.flussi["righe"]],
            _serie_flussi(ind),
            impilate=True,
        ),
    }
    aree = [a for a in ind.aree_s3 if a["totale"]]
    if aree:
        grafici["aree_s3"] = barre(
            _("Organizzazioni ospitanti per area S3"),
            [a["area"] for a in aree],
            {_("Organizzazioni"): [a["totale"] for a in aree]},
            orizzontale=True,
            show_legend=False,
        )
    grafici["ambiti"] = barre(
        _("Quota di progetti per ambito tematico (%)"),
        [_breve(_(a["ambito"])) for a in ind.ambiti],
        {_("% dei progetti"): [a["quota"] or 0 for a in ind.ambiti]},
        orizzontale=True,
        show_legend=False,
    )
    return grafici


def _breve(testo: str, limite: int = 38) -> str:
    return testo if len(testo) <= limite else testo[: limite - 1].rstrip() + "…"


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
