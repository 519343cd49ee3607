"""The newsletter editor in a real browser: the live preview (a static script that POSTs the Markdown with
the CSRF token, under the strict CSP) shows the body as it will be sent, and the editor and the
confirmation step pass axe at 1280 and 360 px."""

import re

import pytest

from eventi.newsletter.models import Numero
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.newsletter.factories import IscrittoFactory, NumeroFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_anteprima_dal_vivo_e_conferma(contesto, live_server, staff, larghezza):
    ctx = contesto(viewport={"width": larghezza, "height": 900})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    pagina.goto("/newsletter/gestione/nuovo/")
    anteprima = pagina.locator("[data-anteprima]")
    # An empty body: the box says where the text will appear (not an empty frame).
    suggerimento = "Il testo apparirà qui, come arriverà, mentre scrivi."
    anteprima.get_by_text(suggerimento).wait_for()
    pagina.locator("#id_oggetto").fill("Numero dal browser")
    pagina.locator("#id_corpo").fill("Ciao **a tutti**\n\n- uno\n- due")
    anteprima.locator("strong", has_text="a tutti").wait_for()
    assert anteprima.get_by_text(suggerimento).count() == 0
    assert anteprima.locator("li").count() == 2
    verifica_axe(pagina)
    verifica_console(pagina)
    assert pagina.evaluate("document.documentElement.scrollWidth") <= larghezza
    pagina.get_by_role("button", name="Salva la bozza").click()
    pagina.wait_for_load_state()
    numero = Numero.objects.get(oggetto="Numero dal browser")
    assert numero.corpo.replace("\r\n", "\n") == "Ciao **a tutti**\n\n- uno\n- due"  # as typed

    IscrittoFactory.create_batch(3)
    pagina.get_by_role("link", name="Invia ora…").click()
    pagina.wait_for_load_state()
    totale = numero.destinatari().count()
    assert re.fullmatch(
        rf"{totale} destinatari, circa \d+ (secondi|minuti) al ritmo di \d+ messaggi al secondo",
        pagina.locator("#stima").inner_text(),
    )
    verifica_axe(pagina)
    verifica_console(pagina)


def test_anteprima_senza_javascript(contesto, live_server, staff):
    ctx = contesto(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    entra(ctx, live_server, staff)
    numero = NumeroFactory(corpo="Prima")
    pagina = ctx.new_page()
    pagina.goto(f"/newsletter/gestione/{numero.pk}/modifica/")
    pagina.locator("#id_corpo").fill("Dopo, in *corsivo*")
    pagina.get_by_role("button", name="Anteprima del testo").click()
    pagina.wait_for_load_state()
    assert pagina.locator("[data-anteprima] em").inner_text() == "corsivo"
    assert pagina.locator("#id_corpo").input_value() == "Dopo, in *corsivo*"  # what was typed is kept
    numero.refresh_from_db()
    assert numero.corpo == "Prima"  # the preview saves nothing
