"""The workspace of each persona in a real browser: axe at 1280 and 360 px, no horizontal overflow, a
visible keyboard focus on every focusable element of the header, the mobile menu without JavaScript."""

from __future__ import annotations

import pytest

from tests.area.dati import popola
from tests.browser.aiuti import entra, verifica_axe, verifica_console

pytestmark = pytest.mark.browser

PERSONE = ("referente_a", "ufficio_a", "staff", "referente_org", "senza_ruolo")
LARGHEZZE = (1280, 360)


@pytest.fixture
def senza_ruolo(db, scuola_a):
    from distretti.models import Incarico, StatoIncarico
    from tests.factories import IncaricoFactory, UserFactory

    utente = UserFactory(first_name="Giulia", last_name="Bianchi")
    IncaricoFactory(
        utente=utente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO
    )
    return utente


@pytest.fixture
def dati(scuola_a, organizzazione, distretto_a, referente_a):
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente_a)


def _senza_overflow(pagina) -> None:
    larghezza, finestra = pagina.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert larghezza <= finestra, f"{pagina.url}: {larghezza}px of content in a {finestra}px window"


@pytest.mark.parametrize("larghezza", LARGHEZZE)
@pytest.mark.parametrize("persona", PERSONE)
def test_area_accessibile_e_senza_overflow(contesto, live_server, request, dati, persona, larghezza):
    ctx = contesto(viewport={"width": larghezza, "height": 800})
    entra(ctx, live_server, request.getfixturevalue(persona))
    pagina = ctx.new_page()
    assert pagina.goto("/area-riservata/").status == 200
    assert pagina.locator("h1").inner_text() == "Area riservata"
    verifica_axe(pagina)
    verifica_console(pagina)
    _senza_overflow(pagina)


# The focus indicator of an element: its outline and box-shadow, kept only where they can be seen (a
# transparent outline or shadow, as Bootstrap Italia leaves on some buttons, is no indicator).
STILE = """(el) => { const s = getComputedStyle(el);
  const opaco = (c) => !/rgba\\([^)]*,\\s*0\\)/.test(c) && c !== 'transparent';
  const parti = [];
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && opaco(s.outlineColor))
    parti.push(`outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`);
  const ombre = s.boxShadow === 'none' ? [] : s.boxShadow.split(/,(?![^(]*\\))/);
  const spesso = (o) => /\\s[1-9][\\d.]*px/.test(o.replace(/rgba?\\([^)]*\\)/, ''));
  for (const o of ombre) if (opaco(o) && spesso(o)) parti.push(`shadow ${o.trim()}`);
  return parti.join('; '); }"""
FOCUSABILI = """() => Array.from(document.querySelectorAll(
    'header a[href], header button, header summary, header input:not([type=hidden]), header [tabindex]'))
  .filter(el => el.offsetParent !== null && el.getAttribute('tabindex') !== '-1')"""


@pytest.mark.parametrize("larghezza", LARGHEZZE)
@pytest.mark.parametrize("persona", ["anonimo", "referente_a"])
def test_ogni_elemento_dell_intestazione_mostra_il_focus(contesto, live_server, request, persona, larghezza):
    ctx = contesto(viewport={"width": larghezza, "height": 800})
    if persona != "anonimo":
        entra(ctx, live_server, request.getfixturevalue(persona))
    pagina = ctx.new_page()
    pagina.goto("/")
    elementi = pagina.evaluate_handle(FOCUSABILI)
    n = pagina.evaluate("(els) => els.length", elementi)
    assert n >= 4  # brand, languages, login or workspace, menu
    a_riposo = pagina.evaluate(f"(els) => els.map({STILE})", elementi)
    pagina.evaluate("() => document.activeElement && document.activeElement.blur()")
    raggiunti = {}
    for _ in range(n + 8):  # the skip links come first
        pagina.keyboard.press("Tab")
        indice = pagina.evaluate("(els) => els.indexOf(document.activeElement)", elementi)
        if indice >= 0:
            raggiunti[indice] = pagina.evaluate(f"() => ({STILE})(document.activeElement)")
    descrizioni = pagina.evaluate("(els) => els.map(e => e.outerHTML.slice(0, 90))", elementi)
    mancanti = [descrizioni[i] for i in range(n) if i not in raggiunti]
    assert not mancanti, f"not reached with Tab: {mancanti}"
    invisibili = [descrizioni[i] for i in range(n) if not raggiunti[i] or raggiunti[i] == a_riposo[i]]
    assert not invisibili, f"no visible focus indicator: {invisibili}"


def test_il_menu_mobile_funziona_senza_javascript(contesto, live_server, referente_a):
    ctx = contesto(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    entra(ctx, live_server, referente_a)
    pagina = ctx.new_page()
    pagina.goto("/")
    menu = pagina.locator("#menu-navigazione")
    for voce in ("Distretti e scuole", "Festival della Cultura tecnica", "Area riservata"):
        assert menu.get_by_role("link", name=voce).is_visible(), voce
    assert not pagina.locator(".custom-navbar-toggler").is_visible()
    _senza_overflow(pagina)


def test_con_javascript_il_menu_mobile_si_apre_dal_pulsante(contesto, live_server):
    ctx = contesto(viewport={"width": 360, "height": 740})
    pagina = ctx.new_page()
    pagina.goto("/")
    voce = pagina.locator("#menu-navigazione").get_by_role("link", name="Distretti e scuole")
    assert not voce.is_visible()
    pagina.locator(".custom-navbar-toggler").click()
    voce.wait_for(state="visible")
