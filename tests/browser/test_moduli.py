"""The portal's forms in a real browser: the error summary takes the focus, no label is drawn over its
field (or over text, headings, QR codes) on the pages where it used to be, and the showcase's filters fit
a 360 px phone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from distretti.models import Incarico, StatoIncarico
from tests.browser.aiuti import verifica_console
from tests.factories import PASSWORD_TEST, IncaricoFactory, UserFactory

pytestmark = pytest.mark.browser

TELEFONO = {"width": 360, "height": 740}

# Labels whose box meets their own control's box, or a heading, image, canvas or paragraph of the page.
SOVRAPPOSTE = """() => {
  const meet = (a, b) => !(a.right <= b.left + 0.5 || b.right <= a.left + 0.5 ||
                           a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5);
  const main = document.getElementById('contenuto') || document.body;
  const altri = [...main.querySelectorAll('h1,h2,h3,h4,p,img,svg,canvas,input,select,textarea')];
  const problemi = [];
  for (const label of main.querySelectorAll('label[for]')) {
    const l = label.getBoundingClientRect();
    if (!l.width || !l.height) continue;
    const controllo = document.getElementById(label.htmlFor);
    for (const altro of altri) {
      if (label.contains(altro) || altro.contains(label)) continue;
      const r = altro.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      // A checkbox or radio sits beside its label by design (Bootstrap Italia draws it in the label).
      if (altro === controllo && ['checkbox', 'radio'].includes(altro.type)) continue;
      const testo = (altro.textContent || '').trim().slice(0, 30);
      const nome = label.textContent.trim().slice(0, 40);
      if (meet(l, r)) problemi.push(`${nome} / ${altro.id || altro.tagName} ${testo}`);
    }
  }
  return problemi;
}"""


def _sessione(ctx, live_server, client: Client) -> None:
    valore = client.cookies[settings.SESSION_COOKIE_NAME].value
    ctx.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": valore, "url": live_server.url}])


def _entra(ctx, live_server, utente) -> None:
    client = Client()
    client.force_login(utente, backend="django.contrib.auth.backends.ModelBackend")
    _sessione(ctx, live_server, client)


def _nessuna_sovrapposizione(pagina, url: str) -> None:
    risposta = pagina.goto(url)
    assert risposta is not None and risposta.status == 200, url
    assert pagina.evaluate(SOVRAPPOSTE) == [], url
    # The forms fit the phone (the logged-in header is another matter, checked by the header's tests).
    destra = pagina.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll('#contenuto form, #contenuto form *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert destra <= pagina.viewport_size["width"] + 0.5, f"{url}: a form reaches {destra} px"


def test_il_riepilogo_degli_errori_prende_il_fuoco(contesto):
    for viewport in ({"width": 1280, "height": 800}, TELEFONO):
        pagina = contesto(viewport=viewport).new_page()
        pagina.goto(reverse("newsletter:iscrizione"))
        pagina.locator("#id_email").fill("non-una-mail")
        pagina.get_by_role("button", name="Iscriviti").click()
        pagina.wait_for_load_state()
        riepilogo = pagina.locator("[data-riepilogo-errori]")
        assert riepilogo.count() == 1
        assert "Il modulo contiene" in riepilogo.inner_text()
        assert pagina.evaluate("() => document.activeElement.hasAttribute('data-riepilogo-errori')")
        # Its links lead to the fields.
        riepilogo.locator("a[href='#id_email']").click()
        assert pagina.evaluate("() => document.activeElement.id") == "id_email"
        assert pagina.evaluate(SOVRAPPOSTE) == []
        verifica_console(pagina)


def test_nessuna_etichetta_sopra_i_campi_a_360_px(
    contesto, live_server, distretto_a, staff, ufficio_a, scuola_a
):
    IncaricoFactory(ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO)
    anonimo = contesto(viewport=TELEFONO).new_page()
    _nessuna_sovrapposizione(anonimo, reverse("newsletter:iscrizione"))
    _nessuna_sovrapposizione(anonimo, reverse("distretti:dettaglio", args=[distretto_a.slug]))
    _nessuna_sovrapposizione(anonimo, reverse("account_signup") + "?ruolo=organizzazione")

    ctx = contesto(viewport=TELEFONO)
    _entra(ctx, live_server, ufficio_a)
    pagina = ctx.new_page()
    _nessuna_sovrapposizione(pagina, reverse("utenti:richieste"))

    ctx = contesto(viewport=TELEFONO)
    _entra(ctx, live_server, staff.utente if hasattr(staff, "utente") else staff)
    pagina = ctx.new_page()
    _nessuna_sovrapposizione(pagina, reverse("partnership:convenzione_nuova"))
    pagina.get_by_role("button", name="Salva").click()  # with errors, labels still clear of their fields
    pagina.wait_for_load_state()
    assert pagina.evaluate(SOVRAPPOSTE) == []


def test_la_pagina_della_totp_non_copre_il_codice_qr(contesto, live_server):
    utente = UserFactory()
    client = Client()
    client.post(reverse("account_login"), {"login": utente.email, "password": PASSWORD_TEST})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD_TEST})
    for viewport in ({"width": 1280, "height": 800}, TELEFONO):
        ctx = contesto(viewport=viewport)
        _sessione(ctx, live_server, client)
        pagina = ctx.new_page()
        _nessuna_sovrapposizione(pagina, reverse("mfa_activate_totp"))


def test_la_vetrina_a_360_px_non_scorre_in_orizzontale(contesto):
    pagina = contesto(viewport=TELEFONO).new_page()
    pagina.goto(reverse("progetti:vetrina"))
    assert pagina.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert "---------" not in pagina.locator("form.filtri[role=search]").inner_text()
    assert pagina.locator("#id_distretto option").first.inner_text() == "Tutti i distretti"
    assert pagina.evaluate(SOVRAPPOSTE) == []
    # The filter column ends above the results: no select spills into them.
    filtri = pagina.locator("form.filtri[role=search]").bounding_box()
    for select in pagina.locator("form.filtri[role=search] select").all():
        box = select.bounding_box()
        assert box["x"] >= filtri["x"] - 1 and box["x"] + box["width"] <= filtri["x"] + filtri["width"] + 1
