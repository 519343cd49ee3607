"""The language of a person's e-mails in a real browser: chosen on the profile page (1280 and 360 px, axe),
and an allauth e-mail in the portal's layout, in the recipient's language, as a mail client shows it."""

import pytest
from django.core import mail
from django.test import RequestFactory

from alternanza.utenti.adapter import AdapterAccount
from alternanza.utenti.models import Preferenze
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_la_lingua_delle_email_si_sceglie_dal_profilo(contesto, live_server, referente_a, larghezza):
    ctx = contesto(viewport={"width": larghezza, "height": 800})
    entra(ctx, live_server, referente_a)
    pagina = ctx.new_page()
    assert pagina.goto("/account/profilo/").status == 200
    verifica_axe(pagina)
    verifica_console(pagina)
    # The form fits the phone's width (the header's own overflow at 360 px is fixed with the header).
    riquadro = pagina.locator("form.lingua-email").bounding_box()
    assert riquadro is not None and riquadro["x"] >= 0 and riquadro["x"] + riquadro["width"] <= larghezza
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / f"profilo-lingua-{larghezza}.png"), full_page=True)
    pagina.get_by_label("Lingua delle e-mail che ricevi dal portale").select_option("en")
    pagina.get_by_role("button", name="Salva la lingua").click()
    pagina.wait_for_load_state()
    assert "/en/account/profilo/" in pagina.url
    assert "Language saved: we will write to you in English." in pagina.content()
    assert Preferenze.objects.get(utente=referente_a).lingua == "en"


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_email_di_conferma_nel_layout_del_portale(pagina, larghezza, referente_a):
    Preferenze.objects.create(utente=referente_a, lingua="en")
    AdapterAccount(RequestFactory().get("/")).send_mail(
        "account/email/email_confirmation_signup",
        referente_a.email,
        {"user": referente_a, "activate_url": "https://alternanza.example.org/account/confirm-email/abc/"},
    )
    (messaggio,) = mail.outbox
    pagina.set_viewport_size({"width": larghezza, "height": 800})
    pagina.set_content(messaggio.alternatives[0][0])
    verifica_axe(pagina)
    assert pagina.evaluate("document.documentElement.scrollWidth") <= larghezza
    assert pagina.get_by_role("heading", name="Confirm your e-mail address").is_visible()
    assert pagina.get_by_role("link", name="Confirm the e-mail address").is_visible()
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / f"email-conferma-{larghezza}.png"), full_page=True)
