"""Every e-mail the portal sends, rendered in Chromium as sent: each link and button is readable (text
contrast of at least 4.5:1 against the background it is actually drawn on, WCAG 1.4.3) and the text part
carries every link of the HTML part (a reader of the plain-text alternative reaches the same pages).

The templates are found by the senders' naming conventions (tests/browser/campioni_email.py), so a mail
added later is checked without touching this file."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.browser.campioni_email import modelli_email, rendi_campione
from tests.browser.conftest import ARTEFATTI

pytestmark = pytest.mark.browser

# For each element of a link that draws text: its colour and the background it is drawn on (the
# backgrounds of its ancestors composited from the page down), as WCAG contrast ratios.
CONTRASTI_JS = """
() => {
  const rgba = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const sopra = (alto, basso) => { const a = alto[3];
    return [0, 1, 2].map(i => alto[i] * a + basso[i] * (1 - a)).concat([1]); };
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const sfondo = (el) => { const catena = []; for (let e = el; e; e = e.parentElement) catena.push(e);
    let colore = [255, 255, 255, 1];
    for (const e of catena.reverse()) colore = sopra(rgba(getComputedStyle(e).backgroundColor), colore);
    return colore; };
  const esiti = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const elementi = [a, ...a.querySelectorAll('*')].filter(e =>
      [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
    if (!elementi.length) { esiti.push({href: a.href, testo: '', rapporto: 0}); continue; }
    for (const e of elementi) {
      const stile = getComputedStyle(e);
      const fondo = sfondo(e);
      const testo = sopra(rgba(stile.color), fondo);
      const [l1, l2] = [lum(testo), lum(fondo)].sort((x, y) => y - x);
      esiti.push({href: a.href, testo: e.textContent.trim().slice(0, 60),
                  rapporto: (l1 + 0.05) / (l2 + 0.05), colore: stile.color, fondo: fondo.join(',')});
    }
  }
  return esiti;
}
"""


class _Link(HTMLParser):
    def __init__(self):
        super().__init__()
        self.href: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.href.append(href)


def link_html(html: str) -> list[str]:
    parser = _Link()
    parser.feed(html)
    return parser.href


MODELLI = modelli_email()


def test_i_modelli_si_trovano_tutti():
    """The walk finds the mails of every sender family (a broken walk would check nothing)."""
    nomi = {m.nome for m in MODELLI}
    attesi = {
        "newsletter/email/numero",
        "newsletter/email/conferma",
        "newsletter/email/gia_iscritto",
        "account/email/password_reset_key",
        "utenti/email/invito",
        "report/email/pronto",
        "progetti/email/transizione",
        "partnership/email/promemoria",
        "eventi/email/prenotazione_confermata",
        "eventi/email/prenotazione_offerta",
        "eventi/email/prenotazione_promemoria",
    }
    assert attesi <= nomi
    assert len(MODELLI) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("modello", MODELLI, ids=str)
def test_link_leggibili_e_presenti_nel_testo(browser, modello):
    _oggetto, testo, html = rendi_campione(modello)
    hrefs = [h for h in link_html(html) if not h.startswith("#")]
    assert hrefs, f"{modello}: no link rendered (the sample context does not fit the template)"
    mancanti = [h for h in hrefs if h.removeprefix("mailto:").split("?")[0] not in testo]
    assert not mancanti, f"{modello}: links of the HTML part missing from the text part: {mancanti}"

    pagina = browser.new_page(viewport={"width": 600, "height": 800})
    try:
        pagina.set_content(html)
        esiti = pagina.evaluate(CONTRASTI_JS)
        if modello.nome in ("newsletter/email/numero", "newsletter/email/conferma"):
            ARTEFATTI.mkdir(parents=True, exist_ok=True)
            pagina.set_viewport_size({"width": 360, "height": 800})
            pagina.screenshot(
                path=str(ARTEFATTI / f"email-{modello.nome.rsplit('/', 1)[1]}-360.png"), full_page=True
            )
    finally:
        pagina.close()
    assert esiti
    illeggibili = [e for e in esiti if e["rapporto"] < 4.5]
    assert not illeggibili, f"{modello}: links below 4.5:1: {illeggibili}"
