"""Issue 18's journey in Chromium, end to end with a REAL Celery worker and a real SMTP sink: staff writes
an issue in the editor with an uploaded image, previews it per profile (a district, then the exact e-mail
in English), sends tests to two addresses, confirms the send, pauses it, cancels it; a second issue is
sent in full while the sink refuses one recipient with 550 (the address is marked undeliverable and the
issue's figures count the bounce); the archive keeps the issue as it was sent after a new project is
published, while a fresh preview does show that project.

The worker (`celery worker -Q default`, NEWSLETTER_RATE_LIMIT=2 so that a send lasts long enough to be
paused by a person) sends through the sink running in this process; the live server enqueues on Redis."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from PIL import Image

from eventi.newsletter.models import Consegna, Iscritto, Numero, StatoConsegna, StatoNumero
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI
from tests.factories import ScuolaFactory, comune
from tests.newsletter.factories import IscrittoFactory
from tests.newsletter.smtp import Pozzo
from tests.progetti.factories import ProgettoPubblicatoFactory
from tests.worker import avvia_worker, ferma_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

RITMO = 2  # messages per second for the whole worker: 16 recipients take 8 s, time to press "pausa"
ISCRITTI = 16


def _attendi(condizione, descrizione: str, log, secondi: float = 90) -> None:
    limite = time.monotonic() + secondi
    while time.monotonic() < limite:
        if condizione():
            return
        time.sleep(0.1)
    pytest.fail(f"timeout waiting for {descrizione}:\n{log.read_text()[-3000:] if log.exists() else ''}")


def _stato(numero: Numero) -> str:
    return Numero.objects.values_list("stato", flat=True).get(pk=numero.pk)


def _ricevuti(pozzo, oggetto: str) -> list:
    return [m for m in list(pozzo.gestore.messaggi) if m["Subject"] == oggetto]


@pytest.fixture
def pozzo():
    with Pozzo() as p:
        yield p


@pytest.fixture
def worker(tmp_path, live_server, pozzo, monkeypatch, con_dati_delle_migrazioni):
    from alternanza.celery import app

    # The live server (this process) enqueues on Redis instead of running the tasks inline.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # only our Redis db: no task left by an earlier run
    app.control.purge()
    log = tmp_path / "worker.log"
    processo = avvia_worker(
        log,
        "default",
        "newsletter-percorso",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(pozzo.porta),
        NEWSLETTER_RATE_LIMIT=str(RITMO),
        SITE_URL=live_server.url,
    )
    try:
        # Ready before the browser starts: its start (Django's setup) competes for the CPU otherwise.
        limite = time.monotonic() + 120
        while not app.control.ping(timeout=1.0):
            if processo.poll() is not None or time.monotonic() > limite:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
        yield log
    finally:
        ferma_worker(processo)


def _png(percorso) -> str:
    Image.new("RGB", (900, 400), (10, 120, 200)).save(percorso, "PNG")
    return str(percorso)


def test_redazione_prove_conferma_pausa_annullamento_invio_rimbalzo_e_archivio(
    contesto, live_server, staff, worker, pozzo, tmp_path
):
    log = worker
    imola, bologna = comune("Imola"), comune("Bologna")
    ProgettoPubblicatoFactory(
        titolo="Officina digitale di Imola",
        scuola=ScuolaFactory(comune=imola),
        pubblicato_il=timezone.now() - dt.timedelta(days=3),
    )
    ProgettoPubblicatoFactory(
        titolo="Robotica a Bologna",
        scuola=ScuolaFactory(comune=bologna),
        pubblicato_il=timezone.now() - dt.timedelta(days=3),
    )
    IscrittoFactory.create_batch(ISCRITTI)
    ctx = contesto(viewport={"width": 1280, "height": 900})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()

    # 1. The editor: text with a live preview, saved; an image uploaded and put into the text.
    pagina.goto("/newsletter/gestione/nuovo/")
    pagina.locator("#id_oggetto").fill("Numero di dicembre")
    pagina.locator("#id_corpo").fill("Le novità della **rete**.")
    pagina.locator("[data-anteprima] strong", has_text="rete").wait_for()
    pagina.get_by_role("button", name="Salva la bozza").click()
    pagina.wait_for_load_state()
    numero = Numero.objects.get(oggetto="Numero di dicembre")
    pagina.get_by_role("link", name="Modifica", exact=True).click()
    pagina.wait_for_load_state()
    pagina.locator("input[type=file][name=immagine]").set_input_files(_png(tmp_path / "laboratorio.png"))
    pagina.get_by_label("Testo alternativo").fill("Studenti in laboratorio")
    pagina.get_by_role("button", name="Carica l'immagine").click()
    pagina.wait_for_load_state()
    riga = pagina.locator(".newsletter-immagini code").first.inner_text()
    assert riga.startswith("![Studenti in laboratorio](/media/newsletter/immagini/")
    corpo = pagina.locator("#id_corpo")
    corpo.fill(corpo.input_value() + "\n\n" + riga)
    pagina.locator("[data-anteprima] img[alt='Studenti in laboratorio']").wait_for()
    verifica_axe(pagina)
    pagina.get_by_role("button", name="Salva la bozza").click()
    pagina.wait_for_load_state()
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / "newsletter-percorso-1-numero.png"), full_page=True)

    # 2. Preview per profile: a district's interests choose the projects; then the e-mail in English.
    pagina.get_by_role("link", name="Anteprima", exact=True).click()
    pagina.wait_for_load_state()
    assert pagina.get_by_text("Officina digitale di Imola").count() == 1
    assert pagina.get_by_text("Robotica a Bologna").count() == 1
    pagina.get_by_label("Distretto").select_option(label="Imola")
    pagina.get_by_role("button", name="Mostra").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_text("Officina digitale di Imola").count() == 1
    assert pagina.get_by_text("Robotica a Bologna").count() == 0
    assert pagina.locator("img[alt='Studenti in laboratorio']").count() == 1
    verifica_axe(pagina)
    pagina.goto(f"/newsletter/gestione/{numero.pk}/anteprima-email/?lingua=en")
    assert "New experiences from the schools" in pagina.content()
    pagina.goto(f"/newsletter/gestione/{numero.pk}/")

    # 3. Tests to two addresses, through the worker and the sink: two messages, two Message-IDs.
    pagina.get_by_label("Indirizzi di prova").fill("prima@example.org\nseconda@example.org")
    pagina.get_by_role("button", name="Invia la prova").click()
    pagina.wait_for_load_state()
    _attendi(lambda: len(_ricevuti(pozzo, "[PROVA] Numero di dicembre")) == 2, "the two tests", log)
    prove = _ricevuti(pozzo, "[PROVA] Numero di dicembre")
    assert sorted(m["To"] for m in prove) == ["prima@example.org", "seconda@example.org"]
    assert len({m["Message-ID"] for m in prove}) == 2
    assert not Consegna.objects.filter(numero=numero).exists()

    # 4. Confirm (recipients and speed shown), then pause while it sends, then cancel.
    pagina.get_by_role("link", name="Invia ora…").click()
    pagina.wait_for_load_state()
    assert pagina.locator("#stima").inner_text().startswith(f"{ISCRITTI} destinatari, circa")
    verifica_axe(pagina)
    pagina.get_by_role("button", name=f"Conferma e invia a {ISCRITTI} destinatari").click()
    pagina.wait_for_load_state()
    _attendi(
        lambda: Consegna.objects.filter(numero=numero, stato=StatoConsegna.INVIATA).exists(),
        "the first message of the send",
        log,
    )
    pagina.reload()
    pagina.get_by_role("button", name="Metti in pausa").click()
    pagina.wait_for_load_state()
    assert _stato(numero) == StatoNumero.IN_PAUSA
    assert pagina.locator("[data-campo=stato_etichetta]").inner_text() == "in pausa"
    pagina.get_by_role("button", name="Annulla l'invio").click()
    pagina.wait_for_load_state()
    assert _stato(numero) == StatoNumero.ANNULLATO
    assert pagina.locator("[data-campo=stato_etichetta]").inner_text() == "annullato"
    # Stopped for good: what went is what the rows say, the rest stays unsent (at most the message the
    # worker had in hand when the pause came went after it).
    inviati = Consegna.objects.filter(numero=numero, stato=StatoConsegna.INVIATA).count()
    assert 1 <= inviati < ISCRITTI
    assert Consegna.objects.filter(numero=numero, stato=StatoConsegna.IN_ATTESA).count() == ISCRITTI - inviati
    pagina.screenshot(path=str(ARTEFATTI / "newsletter-percorso-2-annullato.png"), full_page=True)

    # 5. A second issue sent in full, while the sink refuses one address with a permanent 550.
    pozzo.gestore.rifiuta["inesistente@example.org"] = "550 5.1.1 User unknown"
    cattivo = IscrittoFactory(email="inesistente@example.org")
    # A fresh tab: the first issue's image is served by nginx in production, not by the test server.
    pagina = ctx.new_page()
    pagina.goto("/newsletter/gestione/nuovo/")
    pagina.locator("#id_oggetto").fill("Numero di gennaio")
    pagina.locator("#id_corpo").fill("Il testo **come inviato**.")
    pagina.get_by_role("button", name="Salva la bozza").click()
    pagina.wait_for_load_state()
    secondo = Numero.objects.get(oggetto="Numero di gennaio")
    pagina.get_by_role("link", name="Invia ora…").click()
    pagina.wait_for_load_state()
    pagina.get_by_role("button", name=f"Conferma e invia a {ISCRITTI + 1} destinatari").click()
    pagina.wait_for_load_state()
    # The page follows the send by itself (avanzamento.js polls the figures).
    pagina.locator("[data-campo=stato_etichetta]", has_text="inviato").wait_for(timeout=90_000)
    assert _stato(secondo) == StatoNumero.INVIATO
    assert len(_ricevuti(pozzo, "Numero di gennaio")) == ISCRITTI
    pagina.reload()
    assert pagina.locator("[data-campo=inviate]").inner_text() == str(ISCRITTI)
    assert pagina.locator("[data-campo=fallite]").inner_text() == "1"
    assert pagina.locator("[data-campo=rimbalzi]").inner_text() == "1"
    assert "550 5.1.1 User unknown" in pagina.locator("#avanzamento table").inner_text()
    verifica_axe(pagina)
    verifica_console(pagina)
    pagina.screenshot(path=str(ARTEFATTI / "newsletter-percorso-3-inviato.png"), full_page=True)
    cattivo.refresh_from_db()
    assert cattivo.non_recapitabile_il is not None
    assert not Iscritto.objects.confermati().filter(pk=cattivo.pk).exists()
    pagina.goto(f"/newsletter/gestione/iscritti/{cattivo.pk}/")
    assert "User unknown" in pagina.locator("main").inner_text()

    # 6. The archive is what was sent: a project published afterwards is in a fresh preview, not there.
    pagina.goto(f"/newsletter/archivio/{secondo.pk}/")
    assert "Officina digitale di Imola" in pagina.content()
    ProgettoPubblicatoFactory(
        titolo="Pubblicato dopo l'invio",
        scuola=ScuolaFactory(comune=imola),
        pubblicato_il=timezone.now() - dt.timedelta(days=1),
    )
    pagina.goto(f"/newsletter/gestione/{secondo.pk}/anteprima/")
    assert pagina.get_by_text("Pubblicato dopo l'invio").count() == 1  # a re-render would show it
    pagina.goto(f"/newsletter/archivio/{secondo.pk}/")
    assert pagina.get_by_text("Pubblicato dopo l'invio").count() == 0
    assert "Officina digitale di Imola" in pagina.content()
    assert pagina.locator("strong", has_text="come inviato").count() == 1
    verifica_axe(pagina)
