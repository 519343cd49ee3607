"""Issue 18: writing and checking an issue (Markdown preview, images, tests to several addresses,
confirmation, duplicate), cancelling, the frozen archive, bounces and the per-issue report, and the
bad-data send that ends in "errore" (issue 22). Tasks run inline (eager) as in test_invio."""

from __future__ import annotations

import datetime as dt
import imaplib
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from eventi.newsletter import invio
from eventi.newsletter.models import (
    Congelata,
    Consegna,
    Immagine,
    Iscritto,
    Numero,
    StatoConsegna,
    StatoNumero,
)
from eventi.newsletter.tasks import riprendi_invii
from tests.newsletter.factories import IscrittoFactory, NumeroFactory
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _impostazioni(settings):
    settings.NEWSLETTER_RATE_LIMIT = 0
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.SITE_URL = "https://alternanza.example.it"


def _url(nome, numero, **altro):
    return reverse(f"newsletter:{nome}", kwargs={"pk": numero.pk, **altro})


# --- Bad data: refused by the form, and a send that fails for it ends in "errore" ------------------
def test_date_dei_blocchi_fuori_intervallo_rifiutate_al_campo(cliente_staff):
    risposta = cliente_staff.post(
        reverse("newsletter:numero_nuovo"),
        {
            "oggetto": "Anno sbagliato",
            "corpo": "Testo scritto",
            "periodo_dal": "2026-12-01",
            "periodo_al": "9999-12-31",
        },
    )
    assert risposta.status_code == 200
    form = risposta.context["form"]
    assert form.errors["periodo_al"] == ["Inserisci una data tra il 2000 e il 2100."]
    assert "periodo_dal" not in form.errors
    assert "Testo scritto" in risposta.content.decode()  # what was typed is kept
    assert not Numero.objects.filter(oggetto="Anno sbagliato").exists()


def test_invio_con_dati_errati_finisce_in_errore_e_non_viene_ripreso(esegui, staff):
    IscrittoFactory.create_batch(4)
    # Saved around the form (as the fault campaign found it): the block's period ends on 31/12/9999.
    numero = NumeroFactory(
        periodo_dal=dt.date(2026, 12, 1), periodo_al=dt.date(9999, 12, 31), creato_da=staff
    )
    esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.ERRORE
    assert "OverflowError" in numero.errore and "non verrà ripreso" in numero.errore
    assert not Consegna.objects.filter(numero=numero, stato=StatoConsegna.INVIATA).exists()
    # The author is told, in words, with the link.
    [avviso] = mail.outbox
    assert avviso.to == [staff.email]
    assert "fermato" in avviso.subject and numero.oggetto in avviso.subject
    assert "OverflowError" in avviso.body and _url("numero", numero) in avviso.body
    # The resume task never re-queues it, however long it waits.
    Numero.objects.filter(pk=numero.pk).update(avviato_il=timezone.now() - dt.timedelta(hours=2))
    assert riprendi_invii.delay(0).get() == []
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.ERRORE


def test_lotto_che_fallisce_sui_dati_ferma_l_invio_in_errore(esegui, monkeypatch):
    """The failure inside a batch (rendering one profile), not at the start: same end."""
    from eventi.newsletter import rendering

    IscrittoFactory.create_batch(3)
    numero = NumeroFactory()

    def rotto(self, profilo):
        raise ValueError("year 10000 is out of range")

    monkeypatch.setattr(rendering.Edizione, "per", rotto)
    esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.ERRORE
    assert "ValueError: year 10000 is out of range" in numero.errore
    assert Consegna.objects.filter(numero=numero, stato=StatoConsegna.IN_ATTESA).count() == 3


def test_la_pagina_dello_staff_mostra_il_motivo_dell_errore(cliente_staff):
    numero = NumeroFactory(stato=StatoNumero.ERRORE, errore="Il numero non si può comporre con i suoi dati.")
    pagina = cliente_staff.get(_url("numero", numero)).content.decode()
    assert "Invio fermato per un errore." in pagina
    assert "Il numero non si può comporre con i suoi dati." in pagina


# --- Editor ----------------------------------------------------------------------------------------
def test_anteprima_markdown_dal_server_e_senza_javascript(cliente_staff):
    testo = "Ciao **a tutti**\n\n- uno\n- due\n\n[il portale](https://www.example.org)<script>x()</script>"
    frammento = cliente_staff.post(
        reverse("newsletter:numero_anteprima_testo"), {"corpo": testo}
    ).content.decode()
    assert "<strong>a tutti</strong>" in frammento and "<li>uno</li>" in frammento
    assert 'href="https://www.example.org"' in frammento and "script" not in frammento
    # Without JavaScript: the "Anteprima" submit shows the same preview and saves nothing.
    risposta = cliente_staff.post(
        reverse("newsletter:numero_nuovo"), {"oggetto": "Bozza", "corpo": testo, "azione": "anteprima"}
    )
    assert risposta.status_code == 200
    assert "<strong>a tutti</strong>" in risposta.content.decode()
    assert not Numero.objects.exists()
    assert "newsletter/js/editor.js" in risposta.content.decode()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 400), (10, 120, 200)).save(buffer, "PNG")
    # Something appended after the image (a polyglot): the re-encoding drops it.
    return SimpleUploadedFile("foto.png", buffer.getvalue() + b"<script>x</script>", content_type="image/png")


def test_immagine_caricata_ricodificata_e_nel_messaggio(cliente_staff, settings, tmp_path, esegui):
    settings.MEDIA_ROOT = tmp_path
    numero = NumeroFactory()
    risposta = cliente_staff.post(
        _url("numero_immagine", numero), {"immagine": _png(), "testo_alternativo": "Studenti in laboratorio"}
    )
    assert risposta.status_code == 302
    immagine = Immagine.objects.get()
    contenuto = immagine.file.read()
    assert contenuto.startswith(b"\xff\xd8") and b"<script>" not in contenuto  # a fresh JPEG
    assert immagine.file.url.startswith("/media/newsletter/immagini/")
    numero.corpo = (
        f"Guarda:\n\n![{immagine.testo_alternativo}]({immagine.file.url})\n\n![x](https://evil.example/p.gif)"
    )
    numero.save()
    IscrittoFactory(email="lettore@example.org")
    esegui(invio.invia_ora, numero)
    [messaggio] = mail.outbox
    html = messaggio.alternatives[0][0]
    assert f'src="https://alternanza.example.it{immagine.file.url}"' in html  # absolute, from the portal
    assert 'alt="Studenti in laboratorio"' in html
    assert "evil.example" not in html  # images from elsewhere (tracking pixels) are dropped


def test_immagine_non_valida_rifiutata_con_messaggio(cliente_staff):
    numero = NumeroFactory()
    falso = SimpleUploadedFile("foto.png", b"non sono un'immagine", content_type="image/png")
    risposta = cliente_staff.post(
        _url("numero_immagine", numero), {"immagine": falso, "testo_alternativo": "x"}, follow=True
    )
    assert not Immagine.objects.exists()
    testo = risposta.content.decode()
    assert "Immagine:" in testo


def test_duplica_e_modelli(cliente_staff, staff):
    originale = NumeroFactory(oggetto="Dicembre", corpo="Testo", modello=True, stato=StatoNumero.INVIATO)
    risposta = cliente_staff.post(_url("numero_duplica", originale))
    copia = Numero.objects.exclude(pk=originale.pk).get()
    assert risposta["Location"] == _url("numero_modifica", copia)
    assert (copia.stato, copia.corpo, copia.creato_da, copia.modello) == (
        StatoNumero.BOZZA,
        "Testo",
        staff,
        False,
    )
    # A template is offered on the new-issue page.
    pagina = cliente_staff.get(reverse("newsletter:numero_nuovo")).content.decode()
    assert "Parti da un modello" in pagina and _url("numero_duplica", originale) in pagina


# --- Tests, confirmation, cancel --------------------------------------------------------------------
def test_prova_a_piu_indirizzi_e_a_un_gruppo(cliente_staff, django_capture_on_commit_callbacks):
    from eventi.newsletter.models import GruppoRevisori

    gruppo = GruppoRevisori.objects.create(nome="Redazione", indirizzi="capo@example.org\nvice@example.org")
    numero = NumeroFactory(oggetto="Prova multipla")
    with django_capture_on_commit_callbacks(execute=True):
        cliente_staff.post(
            _url("numero_prova", numero),
            {"indirizzi": "uno@example.org, due@example.org", "gruppo": gruppo.pk, "lingua": "en"},
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "capo@example.org",
        "due@example.org",
        "uno@example.org",
        "vice@example.org",
    ]
    assert len({m.message()["Message-ID"] for m in mail.outbox}) == 4
    assert not Consegna.objects.exists()


def test_prova_con_indirizzo_errato_resta_nella_pagina(cliente_staff):
    numero = NumeroFactory()
    risposta = cliente_staff.post(
        _url("numero_prova", numero), {"indirizzi": "buono@example.org\nnon-valido", "lingua": "it"}
    )
    assert risposta.status_code == 400
    assert risposta.context["prova_form"].errors["indirizzi"] == ["Indirizzi non validi: non-valido."]
    assert "buono@example.org" in risposta.content.decode()
    assert not mail.outbox


def test_conferma_mostra_destinatari_per_lingua_e_la_durata(
    cliente_staff, settings, django_assert_num_queries
):
    settings.NEWSLETTER_RATE_LIMIT = 10
    IscrittoFactory.create_batch(280)
    IscrittoFactory.create_batch(3, lingua="en")
    numero = NumeroFactory()
    with django_assert_num_queries(15):  # aggregates: the same for 3 or 30,000 recipients
        pagina = cliente_staff.get(_url("numero_conferma", numero)).content.decode()
    assert "283 destinatari, circa 30 secondi al ritmo di 10 messaggi al secondo" in pagina
    assert '<td>Italiano</td><td class="text-end">280</td>' in pagina
    assert '<td>Inglese</td><td class="text-end">3</td>' in pagina
    assert "Conferma e invia a 283 destinatari" in pagina


def test_annulla_un_invio_in_pausa_o_programmato(esegui, cliente_staff):
    IscrittoFactory.create_batch(5)
    numero = NumeroFactory()
    esegui(invio.programma, numero, timezone.now() + dt.timedelta(hours=1))
    assert cliente_staff.post(_url("numero_annulla_invio", numero)).status_code == 302
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.ANNULLATO
    assert invio.avvia(numero.pk) == 0  # the beat's dispatcher finds nothing to start
    assert not mail.outbox


def test_annullato_a_meta_si_ferma_entro_un_messaggio(esegui, monkeypatch):
    from eventi.newsletter import invio as modulo

    IscrittoFactory.create_batch(6)
    numero = NumeroFactory()
    originale = modulo._segna
    segnati = []

    def segna_e_annulla(consegna, numero_id, **campi):
        segnati.append(consegna.pk)
        if len(segnati) == 2:  # staff cancels while the second message is in flight
            Numero.objects.filter(pk=numero_id).update(stato=StatoNumero.ANNULLATO)
        return originale(consegna, numero_id, **campi)

    monkeypatch.setattr(modulo, "_segna", segna_e_annulla)
    esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.ANNULLATO
    assert len(mail.outbox) == 2  # the message in flight went, nothing after it
    assert Consegna.objects.filter(numero=numero, stato=StatoConsegna.IN_ATTESA).count() == 4
    assert riprendi_invii.delay(0).get() == []


# --- Frozen archive ----------------------------------------------------------------------------------
def test_l_archivio_mostra_il_numero_come_inviato(esegui, client):
    ProgettoPubblicatoFactory(
        titolo="Esperienza di novembre", pubblicato_il=timezone.now() - dt.timedelta(days=2)
    )
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory(oggetto="Numero di dicembre", corpo="Il testo **inviato**.")
    esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    prima = client.get(_url("archivio_numero", numero)).content.decode()
    assert "Esperienza di novembre" in prima and "<strong>inviato</strong>" in prima
    # After sending: a new project is published and the text is changed in the database.
    ProgettoPubblicatoFactory(titolo="Progetto pubblicato dopo", pubblicato_il=timezone.now())
    Numero.objects.filter(pk=numero.pk).update(corpo="Testo cambiato dopo")
    dopo = client.get(_url("archivio_numero", numero)).content.decode()
    assert "Progetto pubblicato dopo" not in dopo and "Testo cambiato dopo" not in dopo
    assert "Esperienza di novembre" in dopo and "<strong>inviato</strong>" in dopo
    # The e-mail as sent, per profile (language): frozen too, personal links made general.
    versione = Congelata.objects.get(numero=numero, lingua="it", chiave="")
    email = client.get(_url("archivio_versione", numero, versione=versione.pk))
    assert "Esperienza di novembre" in email.content.decode()
    assert "Progetto pubblicato dopo" not in email.content.decode()
    assert "NLTOKENPERSONALE" not in email.content.decode()
    assert Congelata.objects.filter(numero=numero, chiave="").count() == 2  # it, en


# --- Bounces and the report -------------------------------------------------------------------------
def test_rimbalzo_550_dal_pozzo_smtp_segna_l_indirizzo_e_le_statistiche(esegui, smtp, cliente_staff):
    smtp.rifiuta["inesistente@example.org"] = "550 5.1.1 User unknown"
    IscrittoFactory(email="buono@example.org")
    cattivo = IscrittoFactory(email="inesistente@example.org")
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    consegna = Consegna.objects.get(numero=numero, iscritto=cattivo)
    assert (consegna.stato, consegna.rimbalzo) == (StatoConsegna.ERRORE_PERMANENTE, "hard")
    assert consegna.errore == "550 5.1.1 User unknown"  # the server's words, no b'...' of Python's bytes
    cattivo.refresh_from_db()
    assert cattivo.non_recapitabile_il is not None and "User unknown" in cattivo.motivo_pausa
    assert not Iscritto.objects.confermati().filter(pk=cattivo.pk).exists()  # the next issue skips it
    statistiche = numero.statistiche()
    assert (statistiche["inviate"], statistiche["fallite"], statistiche["rimbalzi"]) == (1, 1, 1)
    pagina = cliente_staff.get(_url("numero", numero)).content.decode()
    assert "User unknown" in pagina  # the SMTP reason, in the report
    scheda = cliente_staff.get(reverse("newsletter:iscritto", kwargs={"pk": cattivo.pk})).content.decode()
    assert "In pausa dal" in scheda and "User unknown" in scheda


def test_rimbalzo_temporaneo_non_mette_in_pausa(esegui, smtp, riprove_inline):
    smtp.rifiuta["piena@example.org"] = "452 4.2.2 Mailbox full"
    piena = IscrittoFactory(email="piena@example.org")
    esegui(invio.invia_ora, NumeroFactory())
    piena.refresh_from_db()
    assert piena.non_recapitabile_il is None and piena.rimbalzi == 0


def test_disiscritti_a_causa_del_numero(esegui):
    from eventi.newsletter import iscrizioni
    from eventi.newsletter.statistiche import resoconto

    anna, _bruno = IscrittoFactory(email="anna@example.org"), IscrittoFactory(email="bruno@example.org")
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    iscrizioni.disiscrivi(anna, None, fonte="one-click")
    assert resoconto(numero)["disiscritti"] == 1
    assert resoconto(NumeroFactory())["disiscritti"] == 0


def _dsn(message_id: str, destinatario: str, azione: str, stato: str, diagnosi: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.net\r\n"
        "To: rimbalzi@alternanza.example.it\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {destinatario}\r\nAction: {azione}\r\nStatus: {stato}\r\n"
        f"Diagnostic-Code: smtp; {diagnosi}\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nSubject: Newsletter\r\n"
        "\r\n--B--\r\n"
    ).encode()


def test_dsn_letti_dalla_casella_pop3_segnano_rimbalzi(esegui, settings, cliente_staff):
    from eventi.newsletter.tasks import leggi_rimbalzi
    from tests.newsletter.pop3 import CasellaPop3

    perso = IscrittoFactory(email="perso@example.org")
    pieno = IscrittoFactory(email="pieno@example.org")
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)  # accepted at SMTP time: the bounces arrive later, by mail
    duro = Consegna.objects.get(numero=numero, iscritto=perso)
    morbido = Consegna.objects.get(numero=numero, iscritto=pieno)
    messaggi = [
        _dsn(duro.message_id, perso.email, "failed", "5.1.1", "550 5.1.1 <perso@example.org>: user unknown"),
        _dsn(morbido.message_id, pieno.email, "delayed", "4.2.2", "452 4.2.2 mailbox full"),
        b"From: someone@example.org\r\nSubject: not a DSN\r\n\r\nhello\r\n",
    ]
    with CasellaPop3(messaggi) as casella:
        settings.NEWSLETTER_BOUNCE_MAILBOX = f"pop3://rimbalzi:segreta@127.0.0.1:{casella.porta}"
        esito = leggi_rimbalzi.delay().get()
    assert esito == {"messaggi": 3, "permanenti": 1, "temporanei": 1}
    assert casella.messaggi == []  # read messages are deleted from the mailbox
    duro.refresh_from_db()
    morbido.refresh_from_db()
    assert (duro.rimbalzo, morbido.rimbalzo) == ("hard", "soft")
    perso.refresh_from_db()
    pieno.refresh_from_db()
    assert perso.non_recapitabile_il is not None and "user unknown" in perso.motivo_pausa
    assert pieno.non_recapitabile_il is None  # a soft bounce: the provider retries
    assert numero.statistiche()["rimbalzi"] == 2
    pagina = cliente_staff.get(_url("numero", numero)).content.decode()
    assert '<dd data-campo="rimbalzi">2</dd>' in pagina


def test_dsn_letti_da_una_cartella_imap_segnano_rimbalzi(esegui, settings, cliente_staff):
    """A real IMAP server (pymap, tests/newsletter/imap.py): the reader logs in, reads the folder named in
    the URL, records the DSNs, deletes what it read and leaves the other folders alone."""
    from eventi.newsletter.tasks import leggi_rimbalzi
    from tests.newsletter.imap import ServerImap

    settings.NEWSLETTER_BOUNCE_LIMIT = 1
    perso = IscrittoFactory(email="perso@example.org")
    pieno = IscrittoFactory(email="pieno@example.org")
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)  # accepted at SMTP time: the bounces arrive later, by mail
    duro = Consegna.objects.get(numero=numero, iscritto=perso)
    morbido = Consegna.objects.get(numero=numero, iscritto=pieno)
    altra_posta = (
        b"From: ufficio@example.org\r\nSubject: da leggere\r\nMessage-ID: <x@example.org>\r\n\r\nciao\r\n"
    )
    with ServerImap() as server:
        server.deposita(
            "Rimbalzi",
            [
                _dsn(
                    duro.message_id,
                    perso.email,
                    "failed",
                    "5.1.1",
                    "550 5.1.1 <perso@example.org>: user unknown",
                ),
                _dsn(morbido.message_id, pieno.email, "delayed", "4.2.2", "452 4.2.2 mailbox full"),
                b"From: someone@example.org\r\nSubject: not a DSN\r\n\r\nhello\r\n",
            ],
        )
        server.deposita("INBOX", [altra_posta])
        settings.NEWSLETTER_BOUNCE_MAILBOX = f"imap://rimbalzi:segreta@127.0.0.1:{server.porta}/Rimbalzi"
        esito = leggi_rimbalzi.delay().get()
        assert esito == {"messaggi": 3, "permanenti": 1, "temporanei": 1}
        assert server.contenuto("Rimbalzi") == []  # read messages are deleted (expunged)
        assert [m.replace(b"\r\n", b"\n") for m in server.contenuto("INBOX")] == [
            altra_posta.replace(b"\r\n", b"\n")
        ]
        # A second run finds nothing new and changes nothing.
        assert leggi_rimbalzi.delay().get() == {"messaggi": 0, "permanenti": 0, "temporanei": 0}
    duro.refresh_from_db()
    morbido.refresh_from_db()
    assert (duro.rimbalzo, morbido.rimbalzo) == ("hard", "soft")
    assert "user unknown" in duro.errore
    perso.refresh_from_db()
    pieno.refresh_from_db()
    assert perso.non_recapitabile_il is not None and "user unknown" in perso.motivo_pausa
    assert pieno.non_recapitabile_il is None  # a soft bounce: the provider retries
    assert numero.statistiche()["rimbalzi"] == 2
    scheda = cliente_staff.get(reverse("newsletter:iscritto", kwargs={"pk": perso.pk})).content.decode()
    assert "In pausa dal" in scheda and "user unknown" in scheda


def test_casella_imap_con_password_sbagliata_fallisce_senza_toccare_nulla(settings):
    from eventi.newsletter.rimbalzi import leggi_casella
    from tests.newsletter.imap import ServerImap

    with ServerImap() as server:
        server.deposita("INBOX", [_dsn("<newsletter.1.1@x>", "a@example.org", "failed", "5.1.1", "550 no")])
        settings.NEWSLETTER_BOUNCE_MAILBOX = f"imap://rimbalzi:sbagliata@127.0.0.1:{server.porta}"
        with pytest.raises(imaplib.IMAP4.error):
            leggi_casella()
        assert len(server.contenuto()) == 1  # nothing read, nothing deleted


def test_la_programmazione_nel_9999_e_rifiutata_al_campo():
    """The schedule's date-time has the portal's one date range too (its form is made when the app's
    modules are imported, before any ready(): the range must already be there)."""
    from eventi.newsletter.forms import ProgrammaForm

    form = ProgrammaForm({"programmato_per": "9999-12-31T10:00"})
    assert form.errors["programmato_per"] == ["Inserisci una data tra il 2000 e il 2100."]
