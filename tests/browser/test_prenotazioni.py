"""A Festival booking in Chromium, as its users live it: a teacher books a class (24 students and 2
adults), confirms from the mail, reads the .ics; a second class waits; the first cancels and the freed
places go to the waiting list; the organiser exports the list and checks a booking in on a 360 px phone.
axe-core runs on every page of the journey (Italian), and the booking pages in English too."""

from __future__ import annotations

import csv
import io
import re

import icalendar
import pytest
from django.core import mail

from eventi.prenotazioni.models import Prenotazione
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI
from tests.eventi.factories import evento_prenotabile
from tests.factories import ScuolaFactory, comune

pytestmark = pytest.mark.browser


def _link(messaggio, frammento: str) -> str:
    trovato = re.search(r"https?://\S*" + re.escape(frammento) + r"[^\s/]+/", messaggio.body)
    assert trovato, messaggio.body
    return "/" + trovato.group(0).split("://", 1)[1].split("/", 1)[1]


def _foto(pagina, nome: str) -> None:
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / f"prenotazioni-{nome}.png"), full_page=True)


def _prenota(pagina, evento, nome: str, email: str, studenti: int, adulti: int) -> None:
    assert pagina.goto(evento.get_absolute_url()).status == 200
    pagina.get_by_role("link", name="Prenota per la classe").click()
    pagina.wait_for_load_state()
    pagina.get_by_label("Nome e cognome del/della docente").fill(nome)
    pagina.get_by_label("E-mail").fill(email)
    pagina.locator("#id_scuola").fill("Aldini Valeriani")
    pagina.get_by_label("Classe").fill("3B")
    pagina.get_by_label("Numero di studenti").fill(str(studenti))
    pagina.get_by_label("Adulti accompagnatori").fill(str(adulti))
    pagina.locator("form.modulo-prenotazione button[type=submit]").click()
    pagina.wait_for_load_state()


def test_classe_prenota_conferma_annulla_e_la_lista_d_attesa_prende_i_posti(
    contesto, live_server, referente_a, scuola_a
):
    ScuolaFactory(denominazione="Istituto Aldini Valeriani", comune=comune("Bologna"))
    evento = evento_prenotabile(
        posti=30,
        tipo="classe",
        titolo="Laboratorio di meccatronica",
        slug="laboratorio-meccatronica",
        proposto_da=referente_a,
        scuola_proponente=scuola_a,
    )
    docente = contesto(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()

    # 1. The teacher books 24 students and 2 adults: the page asks to confirm by mail.
    assert docente.goto(evento.get_absolute_url()).status == 200
    assert "30 posti disponibili" in docente.locator(".posti-liberi").inner_text()
    _foto(docente, "1-evento")
    verifica_axe(docente)
    docente.get_by_role("link", name="Prenota per la classe").click()
    docente.wait_for_load_state()
    verifica_axe(docente)
    _prenota(docente, evento, "Maria Rossi", "maria.rossi@scuola.example.org", 24, 2)
    assert docente.get_by_role("heading", level=1).inner_text() == "Controlla la posta"
    _foto(docente, "2-controlla-posta")
    verifica_axe(docente)

    # 2. The mail's link confirms (a button, not the GET); the confirmed mail carries .ics and QR code.
    (richiesta,) = mail.outbox
    assert docente.goto(_link(richiesta, "/festival/prenotazioni/conferma/")).status == 200
    verifica_axe(docente)
    docente.get_by_role("button", name="Confermo la prenotazione").click()
    docente.wait_for_load_state()
    assert "Prenotazione confermata" in docente.locator(".alert").inner_text()
    _foto(docente, "3-confermata")
    verifica_axe(docente)
    confermata = mail.outbox[-1]
    assert confermata.to == ["maria.rossi@scuola.example.org"]
    (ics,) = [a for a in confermata.attachments if isinstance(a, tuple)]
    (ve,) = icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")
    assert str(ve["SUMMARY"]) == "Laboratorio di meccatronica"
    assert ve["DTSTART"].dt == evento.inizio
    assert "openstreetmap.org" in confermata.body
    with docente.expect_download() as scaricamento:
        docente.get_by_role("link", name="Aggiungi al calendario (.ics)").click()
    assert scaricamento.value.suggested_filename == "laboratorio-meccatronica.ics"
    prima = Prenotazione.objects.get(email="maria.rossi@scuola.example.org")
    assert (prima.stato, prima.studenti, prima.accompagnatori, prima.posti) == ("confermata", 24, 2, 26)
    url_personale_prima = docente.url

    # 3. A second class (20 + 2) finds 4 places: it joins the waiting list.
    altra = contesto(viewport={"width": 1280, "height": 900}).new_page()
    _prenota(altra, evento, "Luca Bianchi", "luca.bianchi@scuola.example.org", 20, 2)
    altra.goto(_link(mail.outbox[-1], "/festival/prenotazioni/conferma/"))
    altra.get_by_role("button", name="Confermo la prenotazione").click()
    altra.wait_for_load_state()
    assert "lista d'attesa" in altra.locator(".alert").inner_text()
    assert "Lista d'attesa" in mail.outbox[-1].subject

    # 4. The first teacher cancels: the places are offered to the waiting class, which accepts them.
    docente.goto(url_personale_prima)
    docente.get_by_role("button", name="Annulla la prenotazione").click()
    docente.wait_for_load_state()
    assert "Prenotazione annullata" in docente.locator(".alert").first.inner_text()
    offerta = next(m for m in mail.outbox if "liberati" in m.subject)
    assert offerta.to == ["luca.bianchi@scuola.example.org"]
    altra.goto(_link(offerta, "/festival/prenotazioni/"))
    _foto(altra, "4-offerta")
    verifica_axe(altra)
    altra.get_by_role("button", name="Accetto i posti").click()
    altra.wait_for_load_state()
    assert "Posti confermati" in altra.locator(".alert").first.inner_text()
    seconda = Prenotazione.objects.get(email="luca.bianchi@scuola.example.org")
    assert seconda.stato == "confermata"
    url_ingresso = _link(mail.outbox[-1], "/festival/ingresso/")

    # 5. The organiser sees the bookings and exports them.
    ctx = contesto(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    entra(ctx, live_server, referente_a)
    organizzatore = ctx.new_page()
    organizzatore.goto(evento.get_absolute_url())
    organizzatore.get_by_role("link", name="Prenotazioni e lista d'attesa").click()
    organizzatore.wait_for_load_state()
    assert "luca.bianchi@scuola.example.org" in organizzatore.content()
    _foto(organizzatore, "5-gestione")
    verifica_axe(organizzatore)
    with organizzatore.expect_download() as scaricamento:
        organizzatore.get_by_role("link", name="Esporta CSV").click()
    with open(scaricamento.value.path(), encoding="utf-8-sig") as f:
        righe = list(csv.reader(io.StringIO(f.read()), delimiter=";"))
    colonna = righe[0].index("E-mail")
    assert [r[colonna] for r in righe[1:]] == ["luca.bianchi@scuola.example.org"]
    assert righe[0][0] == "Data" and all(r[0] for r in righe[1:])
    verifica_console(organizzatore)

    # 6. At the door, on a phone: the QR code's link opens the check-in page.
    telefono_ctx = contesto(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    entra(telefono_ctx, live_server, referente_a)
    telefono = telefono_ctx.new_page()
    assert telefono.goto(url_ingresso).status == 200
    assert telefono.evaluate("() => document.scrollingElement.scrollWidth") <= 360
    verifica_axe(telefono)
    telefono.get_by_role("button", name="Registra l'ingresso").tap()
    telefono.wait_for_load_state()
    assert "Ingresso registrato" in telefono.locator(".alert").inner_text()
    _foto(telefono, "6-ingresso-360px")
    seconda.refresh_from_db()
    assert seconda.ingresso_il is not None


@pytest.mark.parametrize("lingua", ["it", "en"])
def test_pagine_di_gestione_delle_prenotazioni_accessibili(
    contesto, live_server, referente_a, scuola_a, lingua
):
    from eventi.prenotazioni import services, tokens

    evento = evento_prenotabile(
        posti=30, tipo="individuale", proposto_da=referente_a, scuola_proponente=scuola_a
    )
    p = services.richiedi(evento, {"nome": "Anna Verdi", "email": "anna@example.org", "posti": 1}, "it")
    services.conferma(p.pk)
    ctx = contesto(viewport={"width": 360, "height": 740})
    entra(ctx, live_server, referente_a)
    pagina = ctx.new_page()
    prefisso = "" if lingua == "it" else "/en"
    for percorso in (
        f"/festival/gestione/{evento.pk}/prenotazioni/",
        f"/festival/ingresso/{tokens.token_ingresso(p)}/",
    ):
        assert pagina.goto(prefisso + percorso).status == 200
        assert pagina.evaluate("() => document.scrollingElement.scrollWidth") <= 360
        verifica_axe(pagina)
    _foto(pagina, f"ingresso-360px-{lingua}")
