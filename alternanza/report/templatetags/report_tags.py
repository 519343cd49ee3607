"""Italian number formatting for the reports and the dashboard (thousands "." and decimals ",")."""

from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

register = template.Library()


def cifra(valore, decimali: int) -> str:
    """`valore` the Italian way with `decimali` decimals (the reports, their charts and the dashboard),
    rounded here: Django's number_format cuts the digits it drops (-0.6 was "-0", 38.56 "38,5"). A value
    that rounds to zero is written without its sign: "-0" read as a figure of its own."""
    valore = round(valore, decimali) or 0
    return number_format(valore, decimal_pos=decimali, use_l10n=True, force_grouping=True)


@register.filter
def numero(valore, decimali=0):
    """12345 → "12.345"; None → "–" (figure not available)."""
    if valore is None or valore == "":
        return "–"
    decimali = int(decimali)
    if decimali == 0 and isinstance(valore, float) and not valore.is_integer():
        decimali = 1
    return cifra(valore, decimali)


@register.filter
def percento(valore):
    """38.5 → "38,5%"."""
    if valore is None:
        return "–"
    return f"{cifra(valore, 1)}%"


@register.filter
def variazione(valore, unita=""):
    """Signed change with a real minus sign: +3 / −1,5 p.p.; None → "–"."""
    if valore is None:
        return "–"
    decimali = 0 if float(valore).is_integer() else 1
    testo = cifra(abs(valore), decimali)
    segno = "+" if valore > 0 else "\u2212" if valore < 0 else "\u00b1"
    return f"{segno}{testo}{(chr(160) + unita) if unita else ''}"


@register.filter
def voce(dizionario, chiave):
    """dict lookup with a variable key: {{ riga.att|voce:k }}."""
    try:
        return dizionario[chiave]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def svg_sicuro(svg):
    """An SVG chart built by alternanza.report.grafici (server-generated, scripts and styles removed)."""
    return mark_safe(svg)  # noqa: S308 - pygal output sanitised by grafici._pulisci, no user markup  # nosec


@register.filter
def css_stringa(testo):
    """Text for a CSS string in double quotes (page footer): backslash and quote escaped."""
    testo = str(testo).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace(">", "\\3e ")
    return mark_safe(" ".join(testo.split()))  # noqa: S308 - escaped for a CSS string above  # nosec


@register.filter
def svg_data_uri(svg):
    """An SVG chart as a data: URI (for <img> in the PDF, scaled reliably by WeasyPrint)."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@register.filter
def titolo_svg(svg):
    """The accessible name of a chart built by grafici (its aria-label)."""
    import re
    from html import unescape

    trovato = re.search(r'aria-label="([^"]*)"', svg)
    return unescape(trovato.group(1)) if trovato else ""


@register.filter
def righe_grafico(spec):
    """The rows of a chart specification (grafici.specifiche): (label, [value per series])."""
    serie = list(spec["serie"].values())
    return [(etichetta, [valori[i] for valori in serie]) for i, etichetta in enumerate(spec["etichette"])]
