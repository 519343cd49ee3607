"""The sending engine (tasks run inline here; the real worker and the kill are in test_newsletter_crash):
segmentation, delivery rows as the truth, idempotent re-runs, pause/resume, SMTP errors, pace."""

from __future__ import annotations

import datetime as dt
import smtplib
import time

import pytest
from django.core import mail
from django.utils import timezone

from distretti.models import AmbitoTematico, Distretto
from eventi.newsletter import invio, limiti, tasks
from eventi.newsletter.models import (
    Consegna,
    Iscritto,
    Numero,
    Pubblico,
    StatoConsegna,
    StatoIscritto,
    StatoNumero,
)
from eventi.newsletter.tasks import avvia_programmati, riprendi_invii
from tests.newsletter.factories import IscrittoFactory, NumeroFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _senza_limite_di_ritmo(settings):
    settings.NEWSLETTER_RATE_LIMIT = 0
    settings.NEWSLETTER_BATCH_SIZE = 3


def _trattieni_lotti(mp, accodati: list | None = None) -> None:
    """The batches are queued but no worker runs them (each batch's arguments go to `accodati`)."""
    vero = invio.spedisci

    def spedisci(task, args=(), kwargs=None, **opzioni):
        if task is tasks.invia_lotto:
            if accodati is not None:
                accodati.append(tuple(args))
            return "trattenuto"
        return vero(task, args, kwargs, **opzioni)

    mp.setattr(invio, "spedisci", spedisci)


def _stati(numero):
    return dict(numero.consegne.values_list("iscritto__email", "stato"))


# --- Segmentation ---------------------------------------------------------------------------------
def test_segmento_per_distretto_include_chi_non_ha_preferenze():
    bologna, imola = Distretto.objects.get(slug="bologna"), Distretto.objects.get(slug="imola")
    di_bologna = IscrittoFactory(email="bo@example.org", distretti=[bologna])
    di_imola = IscrittoFactory(email="imola@example.org", distretti=[imola])
    di_entrambi = IscrittoFactory(email="entrambi@example.org", distretti=[bologna, imola])
    senza_preferenze = IscrittoFactory(email="tutto@example.org")
    IscrittoFactory(email="attesa@example.org", stato=StatoIscritto.IN_ATTESA, distretti=[bologna])
    IscrittoFactory(email="uscito@example.org", stato=StatoIscritto.DISISCRITTO)
    numero = NumeroFactory()
    numero.distretti.set([bologna])
    assert set(numero.destinatari()) == {di_bologna, di_entrambi, senza_preferenze}
    numero.distretti.set([])
    assert set(numero.destinatari()) == {di_bologna, di_imola, di_entrambi, senza_preferenze}


def test_segmento_su_piu_dimensioni_richiede_ogni_dimensione():
    bologna = Distretto.objects.get(slug="bologna")
    ambito, altro_ambito = AmbitoTematico.objects.all()[:2]
    imprese = Pubblico.objects.get(codice="imprese")
    scuole = Pubblico.objects.get(codice="scuole")
    giusto = IscrittoFactory(distretti=[bologna], ambiti=[ambito], pubblici=[imprese])
    ambito_sbagliato = IscrittoFactory(distretti=[bologna], ambiti=[altro_ambito])
    pubblico_sbagliato = IscrittoFactory(pubblici=[scuole])
    solo_ambito = IscrittoFactory(ambiti=[ambito])
    numero = NumeroFactory()
    numero.distretti.set([bologna])
    numero.ambiti.set([ambito])
    numero.pubblici.set([imprese])
    destinatari = set(numero.destinatari())
    assert destinatari == {giusto, solo_ambito}
    assert ambito_sbagliato not in destinatari and pubblico_sbagliato not in destinatari


def test_segmento_senza_duplicati_con_piu_interessi_corrispondenti():
    ambiti = list(AmbitoTematico.objects.all()[:3])
    IscrittoFactory(ambiti=ambiti)
    numero = NumeroFactory()
    numero.ambiti.set(ambiti)
    assert numero.destinatari().count() == 1


# --- Sending --------------------------------------------------------------------------------------
def test_invia_ora_consegna_a_ogni_destinatario_una_volta_e_chiude_il_numero(esegui):
    iscritti = IscrittoFactory.create_batch(7)
    IscrittoFactory(stato=StatoIscritto.IN_ATTESA)
    numero = NumeroFactory()
    assert esegui(invio.invia_ora, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    assert numero.totale_destinatari == 7
    assert numero.inviato_il is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in iscritti)
    consegne = list(numero.consegne.all())
    assert {c.stato for c in consegne} == {StatoConsegna.INVIATA}
    assert all(c.message_id and c.inviata_il and c.tentativi == 1 for c in consegne)
    per_id = {m.extra_headers["Message-ID"]: m.to[0] for m in mail.outbox}
    assert {c.message_id: c.iscritto.email for c in consegne} == per_id
    assert numero.statistiche()["inviate"] == 7 and numero.statistiche()["percentuale"] == 100


def test_rilanciare_dispatcher_e_lotti_non_invia_di_nuovo(esegui):
    IscrittoFactory.create_batch(5)
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    assert len(mail.outbox) == 5
    Numero.objects.filter(pk=numero.pk).update(stato=StatoNumero.IN_INVIO)
    esegui(invio.avvia, numero.pk)  # the dispatcher again (e.g. redelivered after a crash)
    ids = list(numero.consegne.values_list("pk", flat=True))
    esegui(invio.invia_lotto, numero.pk, ids)  # and a whole batch again
    assert len(mail.outbox) == 5
    assert Consegna.objects.filter(numero=numero).count() == 5


def test_invia_ora_due_volte_non_avvia_due_invii(esegui):
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory()
    assert esegui(invio.invia_ora, numero)
    assert not esegui(invio.invia_ora, numero)
    assert len(mail.outbox) == 2


def test_la_riga_di_consegna_e_unica_per_numero_e_iscritto():
    from django.db import IntegrityError, transaction

    iscritto = IscrittoFactory()
    numero = NumeroFactory()
    Consegna.objects.create(numero=numero, iscritto=iscritto)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consegna.objects.create(numero=numero, iscritto=iscritto)


def test_chi_si_disiscrive_dopo_l_avvio_non_riceve_il_numero(esegui):
    restano = IscrittoFactory.create_batch(3)
    esce = IscrittoFactory(email="esce@example.org")
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    with pytest.MonkeyPatch.context() as mp:
        _trattieni_lotti(mp)  # rows created, batches not yet run
        esegui(invio.avvia, numero.pk)
    Iscritto.objects.filter(pk=esce.pk).update(stato=StatoIscritto.DISISCRITTO)
    esegui(invio.accoda_lotti, numero.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in restano)
    assert Consegna.objects.get(iscritto=esce).stato == StatoConsegna.SALTATA
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_pausa_ferma_i_lotti_e_riprendi_completa_l_invio(esegui):
    IscrittoFactory.create_batch(6)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    with pytest.MonkeyPatch.context() as mp:
        _trattieni_lotti(mp)
        esegui(invio.avvia, numero.pk)
    assert invio.pausa(numero)
    ids = list(numero.consegne.order_by("pk").values_list("pk", flat=True))
    esito = invio.invia_lotto(numero.pk, ids)  # a batch already in the queue runs during the pause
    assert esito.fermato and esito.inviate == 0
    assert not mail.outbox
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.IN_PAUSA
    assert esegui(invio.riprendi, numero)
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    assert len(mail.outbox) == 6


def test_la_pausa_a_meta_lotto_ferma_prima_del_messaggio_successivo(esegui, monkeypatch):
    IscrittoFactory.create_batch(5)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    _trattieni_lotti(monkeypatch)
    esegui(invio.avvia, numero.pk)
    originale = invio.messaggio
    contati = []

    def messaggio_poi_pausa(*args, **kwargs):
        contati.append(1)
        if len(contati) == 2:
            Numero.objects.filter(pk=numero.pk).update(stato=StatoNumero.IN_PAUSA)  # staff click meanwhile
        return originale(*args, **kwargs)

    monkeypatch.setattr(invio, "messaggio", messaggio_poi_pausa)
    ids = list(numero.consegne.order_by("pk").values_list("pk", flat=True))
    esito = invio.invia_lotto(numero.pk, ids)
    assert esito.inviate == 2 and esito.fermato
    assert numero.consegne.filter(stato=StatoConsegna.IN_ATTESA).count() == 3


def test_numero_programmato_parte_solo_quando_e_ora(esegui):
    IscrittoFactory.create_batch(2)
    futuro = NumeroFactory()
    passato = NumeroFactory()
    invio.programma(futuro, timezone.now() + dt.timedelta(hours=1))
    invio.programma(passato, timezone.now() - dt.timedelta(minutes=1))
    assert esegui(avvia_programmati) == [passato.pk]
    futuro.refresh_from_db()
    passato.refresh_from_db()
    assert futuro.stato == StatoNumero.PROGRAMMATO
    assert passato.stato == StatoNumero.INVIATO
    assert len(mail.outbox) == 2


def test_riprendi_invii_riaccoda_le_consegne_di_un_invio_fermo(esegui, monkeypatch):
    IscrittoFactory.create_batch(4)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    with pytest.MonkeyPatch.context() as mp:
        _trattieni_lotti(mp)  # the batches are lost (worker died)
        esegui(invio.avvia, numero.pk)
    # Some progress a while ago, then nothing.
    assert esegui(riprendi_invii, 3600) == []  # progress is recent enough: nothing to do
    Numero.objects.filter(pk=numero.pk).update(avviato_il=timezone.now() - dt.timedelta(hours=2))
    assert esegui(riprendi_invii, 3600) == [numero.pk]
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    assert len(mail.outbox) == 4


# --- SMTP errors ----------------------------------------------------------------------------------
def test_errore_permanente_registrato_sul_destinatario_e_gli_altri_ricevono(esegui, smtp):
    IscrittoFactory(email="buono@example.org")
    IscrittoFactory(email="inesistente@example.org")
    IscrittoFactory(email="altro@example.org")
    smtp.rifiuta["inesistente@example.org"] = "550 5.1.1 No such user"
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    stati = _stati(numero)
    assert stati == {
        "buono@example.org": StatoConsegna.INVIATA,
        "inesistente@example.org": StatoConsegna.ERRORE_PERMANENTE,
        "altro@example.org": StatoConsegna.INVIATA,
    }
    assert "550" in Consegna.objects.get(iscritto__email="inesistente@example.org").errore
    assert smtp.ricevuti == {"buono@example.org": 1, "altro@example.org": 1}
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    assert numero.statistiche()["fallite"] == 1


def test_errore_temporaneo_riprova_il_lotto_e_poi_consegna(esegui, smtp, monkeypatch, riprove_inline):
    IscrittoFactory(email="occupato@example.org")
    IscrittoFactory(email="buono@example.org")
    smtp.rifiuta["occupato@example.org"] = "451 4.2.0 Mailbox busy, try later"
    tentativi = []
    originale = invio.invia_lotto

    def invia_lotto_e_libera(*args, **kwargs):
        tentativi.append(1)
        if len(tentativi) == 3:
            smtp.rifiuta.clear()  # the mailbox frees up before the third attempt
        return originale(*args, **kwargs)

    monkeypatch.setattr(invio, "invia_lotto", invia_lotto_e_libera)
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    assert len(tentativi) == 3
    assert smtp.ricevuti == {"buono@example.org": 1, "occupato@example.org": 1}
    consegna = Consegna.objects.get(iscritto__email="occupato@example.org")
    assert consegna.stato == StatoConsegna.INVIATA and consegna.tentativi == 3
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_errore_temporaneo_persistente_diventa_definitivo_dopo_i_tentativi(esegui, smtp, riprove_inline):
    IscrittoFactory(email="sempre-occupato@example.org")
    smtp.rifiuta["sempre-occupato@example.org"] = "452 4.2.2 Over quota"
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    consegna = Consegna.objects.get()
    assert consegna.stato == StatoConsegna.ERRORE_TEMPORANEO
    assert consegna.tentativi == invio.MAX_TENTATIVI
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_server_smtp_irraggiungibile_lascia_le_consegne_in_attesa(
    esegui, settings, riprove_inline, monkeypatch
):
    from tests.newsletter.smtp import porta_libera

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = porta_libera()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory()
    tentativi = []
    originale = invio.invia_lotto
    monkeypatch.setattr(invio, "invia_lotto", lambda *a: tentativi.append(1) or originale(*a))
    esegui(invio.invia_ora, numero)  # every retry fails, then the task fails: the rows stay
    assert len(tentativi) == 1 + tasks.MAX_RIPROVE
    assert set(numero.consegne.values_list("stato", flat=True)) == {StatoConsegna.IN_ATTESA}
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.IN_INVIO


def test_connessione_persa_a_meta_lotto_registra_il_tentativo_e_riprova(esegui, monkeypatch, riprove_inline):
    IscrittoFactory.create_batch(3)
    numero = NumeroFactory()
    from django.core.mail.backends.locmem import EmailBackend

    originale = EmailBackend.send_messages
    chiamate = []

    def cade_una_volta(self, messaggi):
        chiamate.append(1)
        if len(chiamate) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return originale(self, messaggi)

    monkeypatch.setattr(EmailBackend, "send_messages", cade_una_volta)
    esegui(invio.invia_ora, numero)
    assert len(mail.outbox) == 3
    assert set(numero.consegne.values_list("stato", flat=True)) == {StatoConsegna.INVIATA}
    assert sorted(numero.consegne.values_list("tentativi", flat=True)) == [1, 1, 2]


def test_una_sola_connessione_smtp_per_lotto(esegui, smtp, settings, monkeypatch):
    settings.NEWSLETTER_BATCH_SIZE = 50
    IscrittoFactory.create_batch(6)
    aperture = []
    originale = smtplib.SMTP.connect

    def conta(self, *args, **kwargs):
        aperture.append(1)
        return originale(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", conta)
    esegui(invio.invia_ora, NumeroFactory())
    assert smtp.totale == 6
    assert len(aperture) == 1


# --- Pace -----------------------------------------------------------------------------------------
class _Orologio:
    def __init__(self):
        self.adesso = 1_000_000.0

    def time(self):
        return self.adesso

    def sleep(self, secondi):
        self.adesso += secondi


def test_il_ritmo_non_supera_i_messaggi_al_secondo_configurati(monkeypatch):
    orologio = _Orologio()
    monkeypatch.setattr(limiti, "time", orologio)
    secondi = []
    for _n in range(23):
        limiti.attendi_turno(5)
        secondi.append(int(orologio.time()))
        orologio.adesso += 0.01  # the send itself
    per_secondo = {s: secondi.count(s) for s in secondi}
    assert max(per_secondo.values()) <= 5
    assert len(per_secondo) == 5  # 23 messages at 5/s take five seconds, not more


def test_ritmo_inferiore_a_un_messaggio_al_secondo(monkeypatch):
    orologio = _Orologio()
    monkeypatch.setattr(limiti, "time", orologio)
    momenti = []
    for _n in range(3):
        limiti.attendi_turno(0.5)
        momenti.append(orologio.time())
    assert momenti[1] - momenti[0] >= 1.99 and momenti[2] - momenti[1] >= 1.99


def test_ritmo_zero_significa_nessun_limite(monkeypatch):
    orologio = _Orologio()
    monkeypatch.setattr(limiti, "time", orologio)
    for _n in range(100):
        limiti.attendi_turno(0)
    assert orologio.time() == 1_000_000.0


def test_riprendi_invii_non_riaccoda_di_nuovo_prima_del_periodo(esegui, monkeypatch):
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    accodati = []
    _trattieni_lotti(monkeypatch, accodati)  # workers busy
    esegui(invio.avvia, numero.pk)
    Numero.objects.filter(pk=numero.pk).update(avviato_il=timezone.now() - dt.timedelta(hours=2))
    assert esegui(riprendi_invii, 600) == [numero.pk]
    assert esegui(riprendi_invii, 600) == []  # still no progress, but it was just resumed
    assert len(accodati) == 2  # the first enqueue + one resume, not one more per beat tick


def test_un_secondo_dispatcher_non_riaccoda_un_invio_gia_avviato(esegui, monkeypatch):
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    accodati = []
    _trattieni_lotti(monkeypatch, accodati)
    esegui(invio.avvia, numero.pk)
    esegui(invio.avvia, numero.pk)  # avvia_programmati ticked twice before a worker was free
    assert len(accodati) == 1


# --- Claims and the record of each message ----------------------------------------------------------------
def _altra_sessione():
    """A second PostgreSQL session (another worker) on the test database."""
    import psycopg2
    from django.db import connection

    d = connection.settings_dict
    conn = psycopg2.connect(
        dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"], host=d["HOST"], port=d["PORT"]
    )
    conn.autocommit = True
    return conn


def test_una_consegna_reclamata_da_un_altro_worker_viene_saltata_e_poi_inviata(esegui, monkeypatch):
    IscrittoFactory.create_batch(3)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    _trattieni_lotti(monkeypatch)
    esegui(invio.avvia, numero.pk)
    ids = list(numero.consegne.order_by("pk").values_list("pk", flat=True))
    altro = _altra_sessione()
    try:
        with altro.cursor() as c:
            c.execute("SELECT pg_advisory_lock(%s, %s)", [invio.SPAZIO_LOCK, ids[1]])  # being sent elsewhere
        esito = invio.invia_lotto(numero.pk, ids)
        assert esito.inviate == 2
        assert Consegna.objects.get(pk=ids[1]).stato == StatoConsegna.IN_ATTESA
    finally:
        altro.close()  # the other worker dies: its claim goes with its session
    esito = invio.invia_lotto(numero.pk, ids)
    assert esito.inviate == 1
    assert len(mail.outbox) == 3
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_nessun_lock_resta_dopo_il_lotto_anche_in_caso_di_errore(esegui, smtp, monkeypatch, riprove_inline):
    from django.db import connection

    IscrittoFactory.create_batch(4)
    IscrittoFactory(email="no@example.org")
    smtp.rifiuta["no@example.org"] = "550 5.1.1 No such user"
    esegui(invio.invia_ora, NumeroFactory())
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_locks "
            "WHERE locktype = 'advisory' AND classid = %s AND pid = pg_backend_pid()",
            [invio.SPAZIO_LOCK],
        )
        assert c.fetchone()[0] == 0
    assert smtp.totale == 4


def test_i_messaggi_arrivano_completi_personali_e_con_le_intestazioni(esegui, smtp, settings):
    from email.header import decode_header, make_header
    from email.utils import mktime_tz, parsedate_tz

    from eventi.newsletter.tokens import iscritto_da_personale, token_personale

    settings.SITE_URL = "https://alternanza.example.it"
    settings.NEWSLETTER_REPLY_TO = "redazione@cittametropolitana.bo.it"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "disiscrizioni@cittametropolitana.bo.it"
    settings.DEFAULT_FROM_EMAIL = "Rete alternanza <newsletter@cittametropolitana.bo.it>"
    anna = IscrittoFactory(email="anna@example.org")
    bruno = IscrittoFactory(email="bruno@example.org")
    numero = NumeroFactory(oggetto="Novità di dicembre – àèìòù", corpo="<p>Buone feste a tutte e tutti!</p>")
    esegui(invio.invia_ora, numero)
    messaggi = {m["To"]: m for m in smtp.messaggi}
    assert set(messaggi) == {"anna@example.org", "bruno@example.org"}
    for iscritto in (anna, bruno):
        m = messaggi[iscritto.email]
        assert str(make_header(decode_header(m["Subject"]))) == "Novità di dicembre – àèìòù"
        token = token_personale(iscritto)
        assert " ".join(m["List-Unsubscribe"].split()) == (  # unfolded
            f"<https://alternanza.example.it/newsletter/one-click/{token}>, "
            "<mailto:disiscrizioni@cittametropolitana.bo.it?subject=unsubscribe>"
        )
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058 one-click
        assert m["Reply-To"] == "redazione@cittametropolitana.bo.it"
        consegna = Consegna.objects.get(numero=numero, iscritto=iscritto)
        atteso = f"<newsletter.{numero.pk}.{consegna.pk}@alternanza.example.it>"  # stable, portal domain
        assert m["Message-ID"] == consegna.message_id == atteso
        assert abs(mktime_tz(parsedate_tz(m["Date"])) - time.time()) < 120
        assert not m["Date"].endswith("-0000")  # local time (EMAIL_USE_LOCALTIME)
        assert m.get_content_type() == "multipart/alternative"
        testo, html = m.get_payload()
        assert (testo.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
        testo, html = (p.get_payload(decode=True).decode() for p in (testo, html))
        assert "Buone feste" in testo and "Buone feste" in html
        assert f"/newsletter/disiscrizione/{token}/" in testo
        assert f"/newsletter/preferenze/{token}/" in html
        assert iscritto_da_personale(token) == iscritto
        assert "NLTOKEN" not in m.as_string()


def test_i_profili_del_lotto_sono_quelli_degli_interessi_degli_iscritti(esegui, monkeypatch):
    from eventi.newsletter.rendering import Profilo

    bologna, imola = Distretto.objects.get(slug="bologna"), Distretto.objects.get(slug="imola")
    ambiti = list(AmbitoTematico.objects.all()[:3])
    iscritti = [
        IscrittoFactory(distretti=[imola, bologna], ambiti=[ambiti[2], ambiti[0]], lingua="en"),
        IscrittoFactory(distretti=[bologna]),
        IscrittoFactory(ambiti=ambiti),
        IscrittoFactory(),
    ]
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    _trattieni_lotti(monkeypatch)
    esegui(invio.avvia, numero.pk)
    ids = list(numero.consegne.values_list("pk", flat=True))
    attesi = {
        i.pk: Profilo.di(i)
        for i in Iscritto.objects.filter(pk__in=[i.pk for i in iscritti]).prefetch_related(
            "distretti", "ambiti"
        )
    }
    assert invio._interessi(ids) == attesi
    assert attesi[iscritti[0].pk].lingua == "en" and len(attesi[iscritti[0].pk].ambiti) == 2


def test_ogni_messaggio_e_registrato_prima_che_il_server_accetti_il_successivo(
    esegui, smtp, settings, monkeypatch
):
    """Each accepted message is recorded before the next one is sent: the server never holds two accepted
    messages whose records are missing, so a killed worker leaves at most one message in doubt."""
    settings.NEWSLETTER_BATCH_SIZE = 50
    IscrittoFactory.create_batch(8)
    IscrittoFactory(email="no@example.org")
    smtp.rifiuta["no@example.org"] = "550 5.1.1 No such user"
    eventi = []
    accetta = smtp.handle_DATA

    async def accetta_e_annota(server, session, envelope):
        eventi.append(("accettato", envelope.rcpt_tos[0]))
        return await accetta(server, session, envelope)

    smtp.handle_DATA = accetta_e_annota  # aiosmtpd reads the hooks when a connection opens
    segna = invio._segna

    def segna_e_annota(consegna, numero_id, **campi):
        ancora = segna(consegna, numero_id, **campi)  # committed when it returns (autocommit outside tests)
        eventi.append((campi.get("stato", "tentativo"), consegna.iscritto.email))
        return ancora

    monkeypatch.setattr(invio, "_segna", segna_e_annota)
    numero = NumeroFactory()
    esegui(invio.invia_ora, numero)
    assert smtp.totale == 8
    accettati = [email for tipo, email in eventi if tipo == "accettato"]
    inviati = [e for e in eventi if e[0] != StatoConsegna.ERRORE_PERMANENTE]
    assert inviati == [
        e for email in accettati for e in (("accettato", email), (StatoConsegna.INVIATA, email))
    ]
    assert _stati(numero)["no@example.org"] == StatoConsegna.ERRORE_PERMANENTE
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_la_pausa_letta_registrando_un_messaggio_ferma_prima_del_successivo(
    esegui, smtp, settings, monkeypatch
):
    settings.NEWSLETTER_BATCH_SIZE = 50
    IscrittoFactory.create_batch(5)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    _trattieni_lotti(monkeypatch)
    esegui(invio.avvia, numero.pk)
    segna = invio._segna
    registrati = []

    def segna_con_pausa(consegna, numero_id, **campi):
        registrati.append(consegna.pk)
        if len(registrati) == 2:  # the staff pauses while the second record commits
            Numero.objects.filter(pk=numero_id).update(stato=StatoNumero.IN_PAUSA)
        return segna(consegna, numero_id, **campi)

    monkeypatch.setattr(invio, "_segna", segna_con_pausa)
    ids = list(numero.consegne.order_by("pk").values_list("pk", flat=True))
    esito = invio.invia_lotto(numero.pk, ids)
    assert esito.inviate == 2 and esito.fermato
    assert smtp.totale == 2
    terza = Consegna.objects.get(pk=ids[2])
    assert terza.stato == StatoConsegna.IN_ATTESA and terza.tentativi == 0
    monkeypatch.setattr(invio, "_segna", segna)
    assert esegui(invio.riprendi, numero) is True
    assert invio.invia_lotto(numero.pk, ids).inviate == 3
    assert smtp.totale == 5 and set(smtp.ricevuti.values()) == {1}
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO


def test_le_righe_che_iniziano_con_un_punto_arrivano_intatte(esegui, smtp):
    IscrittoFactory(email="punto@example.org")
    numero = NumeroFactory(corpo="<p>.bashrc e altri file nascosti</p><p>..due punti</p><p>.</p>")
    esegui(invio.invia_ora, numero)
    (messaggio,) = smtp.messaggi
    testo = messaggio.get_payload()[0].get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "\n.bashrc e altri file nascosti\n" in testo and "\n..due punti\n" in testo and "\n.\n" in testo


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_ogni_invio_e_gia_committato_quando_il_server_accetta_il_successivo(
    smtp, settings, monkeypatch, con_dati_delle_migrazioni
):
    """As in a worker (autocommit, no test transaction): when the server accepts a message, another
    session already sees every earlier message recorded as sent. A pause committed by another session
    stops the batch before the next message, and the resume sends the rest once."""
    settings.NEWSLETTER_BATCH_SIZE = 50
    IscrittoFactory.create_batch(6)
    numero = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    _trattieni_lotti(monkeypatch)
    invio.avvia(numero.pk)
    ids = list(numero.consegne.order_by("pk").values_list("pk", flat=True))
    altra = _altra_sessione()  # what the server checks, from its own thread
    registrati_all_accettazione = []
    accetta = smtp.handle_DATA

    async def accetta_e_controlla(server, session, envelope):
        with altra.cursor() as c:
            c.execute(
                "SELECT count(*) FROM newsletter_consegna WHERE numero_id = %s AND stato = %s",
                [numero.pk, StatoConsegna.INVIATA],
            )
            registrati_all_accettazione.append(c.fetchone()[0])
            if len(registrati_all_accettazione) == 4:  # the staff pauses as the fourth message arrives
                c.execute(
                    "UPDATE newsletter_numero SET stato = %s WHERE id = %s", [StatoNumero.IN_PAUSA, numero.pk]
                )
        return await accetta(server, session, envelope)

    smtp.handle_DATA = accetta_e_controlla
    try:
        esito = invio.invia_lotto(numero.pk, ids)
    finally:
        smtp.handle_DATA = accetta  # for the next connection
        altra.close()
    assert registrati_all_accettazione == [0, 1, 2, 3]
    # The fourth record read "paused": the fifth message was never sent.
    assert esito.inviate == 4 and esito.fermato and smtp.totale == 4
    assert numero.consegne.filter(stato=StatoConsegna.INVIATA).count() == 4
    quinta = Consegna.objects.get(pk=ids[4])
    assert quinta.stato == StatoConsegna.IN_ATTESA and quinta.tentativi == 0
    assert invio.riprendi(numero)
    assert invio.invia_lotto(numero.pk, ids).inviate == 2
    assert smtp.totale == 6 and set(smtp.ricevuti.values()) == {1}
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
