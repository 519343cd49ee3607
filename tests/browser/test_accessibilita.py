"""Every public page (tests/browser/pagine.py) passes axe-core's WCAG 2.1 A/AA rules, in both languages,
and loads without console errors (so the strict CSP blocks nothing the page needs)."""

import pytest

from tests.browser.aiuti import verifica_axe, verifica_console
from tests.browser.pagine import LINGUE, PAGINE_PUBBLICHE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lingua", LINGUE)
@pytest.mark.parametrize("voce", PAGINE_PUBBLICHE, ids=str)
def test_pagina_pubblica_senza_violazioni_wcag(pagina, voce, lingua):
    risposta = pagina.goto(voce.percorso(lingua))
    assert risposta.status == 200
    assert pagina.locator("html").get_attribute("lang") == lingua
    verifica_axe(pagina)
    verifica_console(pagina)
