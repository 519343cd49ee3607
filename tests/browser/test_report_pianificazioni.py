"""Staff create a monthly schedule in the browser (1280 and 360 px, axe, strict CSP), and the dashboard
shows values without hover (a table under each chart) with no inline style."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from alternanza.report.models import PianificazioneReport
from tests.browser.aiuti import verifica_axe, verifica_console
from tests.report.factories import ANNO, OrganoGovernanceFactory, dati_piccoli

pytestmark = pytest.mark.browser

SCHERMATE = settings.BASE_DIR / "var" / "schermate"


def _entra(ctx, live_server, utente) -> None:
    client = Client()
    client.force_login(utente, backend="django.contrib.auth.backends.ModelBackend")
    sessione = client.cookies[settings.SESSION_COOKIE_NAME].value
    ctx.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": sessione, "url": live_server.url}])


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_lo_staff_crea_una_pianificazione_mensile(contesto, live_server, staff, larghezza):
    organo = OrganoGovernanceFactory(nome="Conferenza territoriale di Imola", destinatari="c@example.org")
    ctx = contesto(viewport={"width": larghezza, "height": 900})
    _entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto("/report/pianificazioni/").status == 200
    verifica_axe(pagina)
    pagina.get_by_role("link", name="Nuova pianificazione").click()
    pagina.get_by_label("Nome").fill("Mensile metropolitano")
    pagina.locator("#id_tipo").select_option("metropolitano")
    pagina.locator("#id_frequenza").select_option("mensile")
    pagina.get_by_text("Conferenza territoriale di Imola – c@example.org").click()  # Bootstrap Italia: the label
    verifica_axe(pagina)
    SCHERMATE.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(SCHERMATE / f"i17-pianificazione-{larghezza}.png"), full_page=True)
    pagina.get_by_role("button", name="Salva").click()
    pagina.get_by_text("Pianificazione salvata").wait_for()
    pianificazione = PianificazioneReport.objects.get()
    assert list(pianificazione.organi.all()) == [organo] and pianificazione.attiva
    assert pianificazione.prossima_esecuzione > datetime.datetime.now(datetime.UTC)
    verifica_axe(pagina)
    pagina.screenshot(path=str(SCHERMATE / f"i17-pianificazioni-{larghezza}.png"), full_page=True)
    verifica_console(pagina)


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_cruscotto_con_valori_visibili_e_nessuno_stile_in_linea(contesto, live_server, staff, larghezza):
    dati_piccoli()
    ctx = contesto(viewport={"width": larghezza, "height": 900})
    _entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto(f"/report/cruscotto/?anno={ANNO}").status == 200
    assert pagina.locator("svg [style]").count() == 0
    assert pagina.locator("table caption", has_text="Valori del grafico").count() >= 4
    verifica_axe(pagina)
    SCHERMATE.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(SCHERMATE / f"i17-cruscotto-{larghezza}.png"), full_page=True)
    verifica_console(pagina)  # no CSP violation
