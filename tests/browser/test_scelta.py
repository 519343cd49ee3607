"""In Chromium: the search autocomplete of the forms used with the keyboard (alternanza.core.scelta,
static/js/scelta.js), axe on a form holding it, the contrast of every state badge, and no horizontal
overflow at 360 px on the pages of the public walk."""

from __future__ import annotations

import re

import pytest

from alternanza.progetti.models import StatoProgetto
from partnership.models import Accordo, Convenzione
from partnership.scelta import ORGANIZZAZIONI
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.pagine import PAGINE_PUBBLICHE
from tests.factories import OrganizzazioneFactory
from tests.partnership.factories import PartnershipFactory
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.browser


def _pagina_di(contesto, live_server, utente, larghezza=1280):
    ctx = contesto(viewport={"width": larghezza, "height": 800})
    entra(ctx, live_server, utente)
    return ctx.new_page()


def _arricchito(pagina, id_campo: str):
    """The field once scelta.js has made it a combobox: the script is a chunk the deferred bundle imports
    after the page has loaded, so a user (and a test) may meet the plain text field for a moment."""
    campo = pagina.locator(f"#{id_campo}[role=combobox]")
    campo.wait_for()
    return campo


def test_autocomplete_con_la_tastiera_sceglie_con_invio_e_chiude_con_esc(
    contesto, live_server, staff, scuola_a
):
    OrganizzazioneFactory(nome="Officine Ardesia Nord", codice_fiscale="")
    sud = OrganizzazioneFactory(nome="Officine Ardesia Sud", codice_fiscale="")
    pagina = _pagina_di(contesto, live_server, staff)
    assert pagina.goto("/rete/convenzioni/nuova/").status == 200
    # The combobox pattern of accessible-autocomplete, on the field's own id (its label still points there).
    campo = _arricchito(pagina, "id_organizzazione")
    assert campo.get_attribute("aria-expanded") == "false"
    assert pagina.locator("label[for=id_organizzazione]").count() == 1

    campo.focus()
    pagina.keyboard.type("ardesia")
    opzioni = pagina.locator("#id_organizzazione__listbox [role=option]")
    opzioni.filter(has_text="Ardesia Sud").wait_for()  # "Nessun risultato" shows until the answer comes
    assert opzioni.all_inner_texts() == ["Officine Ardesia Nord", "Officine Ardesia Sud"]
    assert campo.get_attribute("aria-expanded") == "true"
    assert pagina.locator("#id_organizzazione__listbox").get_attribute("role") == "listbox"
    # The live region announces how many results there are.
    pagina.wait_for_function(
        "() => [...document.querySelectorAll('[id^=id_organizzazione__status]')]"
        ".some(e => e.textContent.includes('2 risultati disponibili'))"
    )

    pagina.keyboard.press("ArrowDown")
    assert campo.get_attribute("aria-activedescendant") == "id_organizzazione__option--0"
    pagina.keyboard.press("Enter")
    assert campo.input_value() == "Officine Ardesia Nord"
    assert campo.get_attribute("aria-expanded") == "false"

    # Escape closes the list without choosing.
    campo.fill("")
    pagina.keyboard.type("ardesia sud")
    opzioni.filter(has_text="Ardesia Sud").wait_for()
    pagina.keyboard.press("Escape")
    assert campo.get_attribute("aria-expanded") == "false"
    assert not pagina.locator("#id_organizzazione__listbox").is_visible()

    # Text left typed after Escape is what the form saves: the server resolves it like without JavaScript.
    pagina.locator("#id_scuola").focus()
    pagina.keyboard.type(scuola_a.codice_meccanografico)
    pagina.locator("#id_scuola__listbox [role=option]", has_text=scuola_a.codice_meccanografico).wait_for()
    pagina.keyboard.press("ArrowDown")
    pagina.keyboard.press("Enter")
    pagina.fill("#id_numero", "C-77")
    pagina.fill("#id_scadenza", "2027-08-31")
    pagina.fill("#id_sezione_dvr", "Rischio basso.")
    pagina.locator("form button[type=submit]", has_text="Salva").click()
    pagina.wait_for_url(re.compile(r"/rete/convenzioni/\d+/$"))
    convenzione = Convenzione.objects.get(numero="C-77")
    assert (convenzione.organizzazione, convenzione.scuola) == (sud, scuola_a)
    verifica_console(pagina)


def test_scelta_multipla_mostra_i_chip_e_li_toglie(contesto, live_server, staff, organizzazione):
    altra = OrganizzazioneFactory(nome="Laboratori Ossidiana", codice_fiscale="01234567890")
    pagina = _pagina_di(contesto, live_server, staff, larghezza=360)
    pagina.goto("/rete/accordi/nuovo/")
    campo = _arricchito(pagina, "id_organizzazioni")
    for testo, nome in (("ossidiana", altra.nome), ("meccanica emil", organizzazione.nome)):
        campo.focus()
        pagina.keyboard.type(testo)
        pagina.locator("#id_organizzazioni__listbox [role=option]", has_text=nome).wait_for()
        pagina.keyboard.press("ArrowDown")
        pagina.keyboard.press("Enter")
        pagina.locator(".scelta-chip", has_text=nome).wait_for()
        pagina.wait_for_function("() => document.querySelector('#id_organizzazioni').value === ''")
    chip = pagina.locator(".scelta-chip")
    assert chip.all_inner_texts() == [ORGANIZZAZIONI.etichetta(altra), organizzazione.nome]
    pagina.get_by_role("button", name=f"Rimuovi {organizzazione.nome}").click()
    assert chip.all_inner_texts() == [ORGANIZZAZIONI.etichetta(altra)]
    assert pagina.evaluate("document.activeElement.id") == "id_organizzazioni"
    pagina.fill("#id_titolo", "Accordo Ossidiana")
    pagina.locator("form button[type=submit]", has_text="Salva").click()
    pagina.wait_for_url(re.compile(r"/rete/accordi/\d+/$"))
    assert list(Accordo.objects.get(titolo="Accordo Ossidiana").organizzazioni.all()) == [altra]


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_il_modulo_con_l_autocomplete_aperto_passa_axe(contesto, live_server, staff, larghezza):
    OrganizzazioneFactory(nome="Officine Ardesia Nord", codice_fiscale="")
    OrganizzazioneFactory(nome="Officine Ardesia Sud", codice_fiscale="")
    pagina = _pagina_di(contesto, live_server, staff, larghezza)
    pagina.goto("/rete/accordi/nuovo/")
    _arricchito(pagina, "id_organizzazioni").focus()
    pagina.keyboard.type("ardesia")
    pagina.locator("#id_organizzazioni__listbox [role=option]", has_text="Ardesia Sud").wait_for()
    pagina.keyboard.press("ArrowDown")
    verifica_axe(pagina)
    pagina.keyboard.press("Enter")
    pagina.locator(".scelta-chip").wait_for()
    verifica_axe(pagina)
    verifica_console(pagina)


def test_senza_javascript_il_campo_e_una_ricerca_con_i_risultati_da_scegliere(
    contesto, live_server, staff, scuola_a
):
    sud = OrganizzazioneFactory(nome="Officine Ardesia Sud", codice_fiscale="")
    OrganizzazioneFactory(nome="Officine Ardesia Nord", codice_fiscale="")
    ctx = contesto(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    pagina.goto("/rete/convenzioni/nuova/")
    pagina.fill("#id_scuola", scuola_a.codice_meccanografico)
    pagina.fill("#id_organizzazione", "ardesia")
    pagina.fill("#id_numero", "C-78")
    pagina.fill("#id_scadenza", "2027-08-31")
    pagina.fill("#id_sezione_dvr", "Rischio basso.")
    pagina.locator("form button[type=submit]", has_text="Salva").click()
    assert "2 risultati per «ardesia»" in pagina.content()
    pagina.locator("label", has_text="Officine Ardesia Sud").click()  # Bootstrap Italia draws the radio
    # axe runs as a script: check the results step as served, in a page that runs scripts (axe's own
    # only; a page without JavaScript never resolves axe's promise).
    controllo = contesto(viewport={"width": 360, "height": 800}).new_page()
    controllo.goto(pagina.url)
    controllo.set_content(re.sub(r"<script\b.*?</script>", "", pagina.content(), flags=re.S))
    verifica_axe(controllo)
    pagina.locator("form button[type=submit]", has_text="Salva").click()
    pagina.wait_for_url(re.compile(r"/rete/convenzioni/\d+/$"))
    assert Convenzione.objects.get(numero="C-78").organizzazione == sud


# --- Badges: every state badge reads at 4.5:1 at least -------------------------------------------------

CONTRASTO_JS = """() => {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const sfondo = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      const alfa = c.match(/[\\d.]+/g)[3];
      if (alfa === undefined || Number(alfa) > 0) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('.badge')].map((b) => {
    const [a, z] = [lum(getComputedStyle(b).color), lum(sfondo(b))];
    return [b.textContent.trim(), (Math.max(a, z) + 0.05) / (Math.min(a, z) + 0.05)];
  });
}"""


def _contrasti(pagina, percorso):
    assert pagina.goto(percorso).status == 200
    return pagina.evaluate(CONTRASTO_JS)


def test_ogni_badge_di_stato_ha_contrasto_almeno_4_5(
    contesto, live_server, referente_a, scuola_a, organizzazione
):
    for stato in StatoProgetto:
        ProgettoFactory(scuola=scuola_a, stato=stato, titolo=f"Progetto {stato.value}")
    senza = OrganizzazioneFactory(nome="Ospite senza convenzione")
    partnership = PartnershipFactory(
        scuole=[scuola_a], organizzazioni=[senza], distretti=[scuola_a.comune.distretto], pubblicata=True
    )
    pagina = _pagina_di(contesto, live_server, referente_a)
    visti: dict[str, float] = {}
    for percorso in ("/progetti/miei/", partnership.get_absolute_url()):
        for testo, contrasto in _contrasti(pagina, percorso):
            visti[testo] = min(contrasto, visti.get(testo, contrasto))
    attesi = {str(s.label) for s in StatoProgetto} | {"Convenzione mancante"}
    assert attesi <= set(visti), f"badges not found on the pages: {attesi - set(visti)}"
    bassi = {testo: round(c, 2) for testo, c in visti.items() if c < 4.5}
    assert not bassi, f"badges under 4.5:1: {bassi}"


# --- No horizontal overflow at 360 px on the public walk -----------------------------------------------


@pytest.mark.parametrize("voce", PAGINE_PUBBLICHE, ids=str)
def test_pagina_pubblica_senza_scorrimento_orizzontale_a_360_px(contesto, voce):
    pagina = contesto(viewport={"width": 360, "height": 740}).new_page()
    assert pagina.goto(voce.percorso("it")).status == 200
    larghezze = pagina.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, [...document.querySelectorAll("
        "'body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)"
        ".map(e => e.tagName + '.' + [...e.classList].join('.'))]"
    )
    larghezza, finestra, sporgenti = larghezze
    assert larghezza <= finestra, f"{voce}: {larghezza} px wide at {finestra} px; first wider: {sporgenti}"
