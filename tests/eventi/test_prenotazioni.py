"""Bookings of Festival events on the portal: double opt-in, capacity, waiting list, mails, organisers."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook

from eventi.models import DataEvento, Evento
from eventi.prenotazioni import services
from eventi.prenotazioni.models import MessaggioPrenotati, Prenotazione
from eventi.prenotazioni.tokens import token_ingresso, token_personale
from tests.conftest import entra
from tests.eventi.factories import evento_prenotabile, occupati
from tests.factories import ScuolaFactory

pytestmark = pytest.mark.django_db
S = Prenotazione.Stato


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Each request commits as in production: its on_commit work (the mails) runs when it ends."""
    richiesta = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return richiesta(**kwargs)

    client.request = request
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` around service calls, for the work they leave to on_commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _link(messaggio, nome_url: str) -> str:
    percorso = reverse(nome_url, kwargs={"token": "X"}).rsplit("X", 1)[0]
    trovato = re.search(re.escape(percorso) + r"[^\s/]+/", messaggio.body)
    assert trovato, messaggio.body
    return trovato.group(0)


def _prenota_classe(client, evento, email="docente@scuola.example.org", studenti=24, adulti=2, scuola=None):
    scuola = scuola or ScuolaFactory()
    return client.post(
        reverse("eventi:prenota", args=[evento.slug]),
        {
            "nome": "Maria Rossi",
            "email": email,
            "telefono": "051 000000",
            "scuola_scelta": str(scuola.pk),
            "scuola": scuola.denominazione,
            "classe": "3B",
            "studenti": studenti,
            "accompagnatori": adulti,
        },
    )


def _prenota_singolo(client, evento, email, posti=1):
    return client.post(
        reverse("eventi:prenota", args=[evento.slug]),
        {"nome": "Luca Bianchi", "email": email, "posti": posti, "maggiorenne": "on"},
    )


def _conferma(client, messaggio):
    url = _link(messaggio, "eventi:prenotazione_conferma")
    assert client.get(url).status_code == 200  # a page with a button: opening the link confirms nothing
    return client.post(url)


def test_docente_prenota_la_classe_conferma_e_riceve_ics_qr_e_mappa(client):
    evento = evento_prenotabile(posti=30, tipo="classe")
    risposta = _prenota_classe(client, evento)
    assert risposta.status_code == 200
    assert "Controlla la posta" in risposta.content.decode()
    p = Prenotazione.objects.get()
    assert (p.stato, p.posti, p.studenti, p.accompagnatori) == (S.DA_CONFERMARE, 26, 24, 2)
    evento.refresh_from_db()
    assert occupati(evento) == 0  # unconfirmed bookings hold no place

    (richiesta,) = mail.outbox
    assert richiesta.to == ["docente@scuola.example.org"]
    assert Prenotazione.objects.get().stato == S.DA_CONFERMARE  # the GET of _conferma below changes nothing
    risposta = _conferma(client, richiesta)
    assert risposta.status_code == 302
    p.refresh_from_db()
    evento.refresh_from_db()
    assert p.stato == S.CONFERMATA and occupati(evento) == 26

    confermata = mail.outbox[1]
    assert "confermata" in confermata.subject.lower()
    assert "https://www.openstreetmap.org/search?query=" in confermata.body
    assert token_personale(p) in confermata.body and token_ingresso(p) in confermata.body
    ics = [a for a in confermata.attachments if isinstance(a, tuple) and a[2] == "text/calendar"]
    (nome, contenuto, _tipo) = ics[0]
    assert nome.endswith(".ics")
    (ve,) = icalendar.Calendar.from_ical(contenuto).walk("VEVENT")
    assert str(ve["SUMMARY"]) == evento.titolo
    immagini = [a for a in confermata.attachments if not isinstance(a, tuple)]
    assert immagini and immagini[0]["Content-ID"] == "<qr-ingresso>"
    assert immagini[0].get_payload(decode=True).startswith(b"\x89PNG")
    html = confermata.alternatives[0][0]
    assert 'src="cid:qr-ingresso"' in html


def test_stessa_email_stesso_evento_resta_una_prenotazione(client):
    evento = evento_prenotabile(posti=30, tipo="individuale")
    _prenota_singolo(client, evento, "luca@example.org")
    risposta = _prenota_singolo(client, evento, "LUCA@example.org")
    testo = risposta.content.decode()
    assert risposta.status_code == 200
    assert "già una prenotazione" in testo
    assert 'value="LUCA@example.org"' in testo  # what was typed stays in the form
    assert Prenotazione.objects.count() == 1
    assert len(mail.outbox) == 2  # the confirmation mail went out again
    assert "prenotazione_email_unica" not in testo


def test_limite_per_prenotazione_errore_al_campo_studenti(client):
    evento = evento_prenotabile(posti=100, tipo="classe", posti_per_prenotazione=20)
    risposta = _prenota_classe(client, evento, studenti=24, adulti=2)
    testo = risposta.content.decode()
    assert "Al massimo 20 posti per prenotazione" in testo
    assert 'id="id_studenti"' in testo and 'aria-invalid="true"' in testo
    assert not Prenotazione.objects.exists()


def test_limite_di_richieste_per_indirizzo(client):
    evento = evento_prenotabile(posti=100, tipo="individuale")
    for _ in range(5):
        _prenota_singolo(client, evento, "stessa@example.org")
    risposta = _prenota_singolo(client, evento, "stessa@example.org")
    assert "Troppe richieste" in risposta.content.decode()


def test_limite_di_richieste_per_ip(client):
    evento = evento_prenotabile(posti=100, tipo="individuale")
    for n in range(30):
        client.post(
            reverse("eventi:prenota", args=[evento.slug]),
            {"nome": "X", "email": f"p{n}@example.org", "posti": 1, "maggiorenne": "on"},
            REMOTE_ADDR="203.0.113.9",
        )
    risposta = client.post(
        reverse("eventi:prenota", args=[evento.slug]),
        {"nome": "X", "email": "ultimo@example.org", "posti": 1, "maggiorenne": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert "Troppe richieste" in risposta.content.decode()
    assert Prenotazione.objects.count() == 30


def test_esaurito_lista_attesa_e_annullamento_offre_i_posti_al_primo(client):
    evento = evento_prenotabile(posti=26, tipo="classe")
    _prenota_classe(client, evento)
    _conferma(client, mail.outbox[-1])
    classe = Prenotazione.objects.get()
    pagina = client.get(evento.get_absolute_url()).content.decode()
    assert "lista d&#x27;attesa" in pagina.lower() or "lista d'attesa" in pagina.lower()
    assert "SoldOut" in pagina

    _prenota_classe(client, evento, email="secondo@scuola.example.org", studenti=10, adulti=1)
    _conferma(client, mail.outbox[-1])
    _prenota_classe(client, evento, email="terzo@scuola.example.org", studenti=3, adulti=1)
    _conferma(client, mail.outbox[-1])
    secondo, terzo = Prenotazione.objects.exclude(pk=classe.pk).order_by("pk")
    assert secondo.stato == terzo.stato == S.IN_ATTESA
    assert "lista d'attesa" in mail.outbox[-1].subject.lower()

    inviati = len(mail.outbox)
    client.post(reverse("eventi:prenotazione", args=[token_personale(classe)]), {"azione": "annulla"})
    classe.refresh_from_db()
    secondo.refresh_from_db()
    terzo.refresh_from_db()
    evento.refresh_from_db()
    assert classe.stato == S.ANNULLATA
    assert secondo.stato == S.OFFERTA and terzo.stato == S.OFFERTA  # 11 + 4 places fit in the 26 freed
    assert occupati(evento) == 15
    offerte = [m for m in mail.outbox[inviati:] if "liberati" in m.subject]
    assert {m.to[0] for m in offerte} == {"secondo@scuola.example.org", "terzo@scuola.example.org"}
    assert secondo.offerta_scade_il - timezone.now() <= timedelta(hours=24)

    client.post(reverse("eventi:prenotazione", args=[token_personale(secondo)]), {"azione": "accetta"})
    secondo.refresh_from_db()
    assert secondo.stato == S.CONFERMATA
    assert "confermata" in mail.outbox[-1].subject.lower()


def test_offerta_scaduta_passa_al_prossimo_in_lista(client):
    evento = evento_prenotabile(posti=2, tipo="individuale", posti_per_prenotazione=2)
    primo = services.richiedi(evento, {"nome": "A", "email": "a@example.org", "posti": 2}, "it")
    services.conferma(primo.pk)
    attese = []
    for email in ("b@example.org", "c@example.org"):
        p = services.richiedi(evento, {"nome": "B", "email": email, "posti": 2}, "it")
        services.conferma(p.pk)
        attese.append(p)
    services.annulla(primo.pk)
    b, c = (Prenotazione.objects.get(pk=p.pk) for p in attese)
    assert b.stato == S.OFFERTA and c.stato == S.IN_ATTESA
    assert services.scadi_offerte(adesso=timezone.now()) == 0  # not yet expired
    assert services.scadi_offerte(adesso=timezone.now() + timedelta(hours=25)) == 1
    b.refresh_from_db()
    c.refresh_from_db()
    evento.refresh_from_db()
    assert b.stato == S.SCADUTA and c.stato == S.OFFERTA and occupati(evento) == 2
    with pytest.raises(services.PrenotazioneRifiutata):
        services.accetta_offerta(b.pk)


def test_modifica_aggiunge_posti_solo_se_liberi(client):
    evento = evento_prenotabile(posti=30, tipo="classe")
    _prenota_classe(client, evento)
    _conferma(client, mail.outbox[-1])
    _prenota_classe(client, evento, email="altra@example.org", studenti=1, adulti=1)
    _conferma(client, mail.outbox[-1])
    p = Prenotazione.objects.get(email="docente@scuola.example.org")
    url = reverse("eventi:prenotazione", args=[token_personale(p)])
    dati = {"azione": "modifica", "studenti": 26, "accompagnatori": 3, "telefono": ""}
    risposta = client.post(url, dati)
    assert "Non ci sono abbastanza posti liberi" in risposta.content.decode()
    assert 'value="26"' in risposta.content.decode()
    client.post(url, {**dati, "studenti": 20, "accompagnatori": 2})
    p.refresh_from_db()
    evento.refresh_from_db()
    assert (p.posti, occupati(evento)) == (22, 24)


def test_link_manomesso_risponde_404_con_spiegazione(client):
    risposta = client.get(reverse("eventi:prenotazione", args=["abc:def"]))
    assert risposta.status_code == 404
    assert "Link non valido" in risposta.content.decode()


def test_promemoria_il_giorno_prima_una_volta_sola(commit):
    domani = timezone.now() + timedelta(days=1)
    evento = evento_prenotabile(posti=10, tipo="individuale", inizio=domani)
    p = services.richiedi(evento, {"nome": "A", "email": "a@example.org", "posti": 1}, "it")
    services.conferma(p.pk)
    adesso = timezone.localtime(domani) - timedelta(days=1)
    with commit():
        assert services.accoda_promemoria(adesso) == 1
    assert services.accoda_promemoria(adesso) == 0  # the next beat run finds nothing to remind
    from eventi.prenotazioni.posta import invia

    assert invia(p.pk, "promemoria") == 0  # the same task run twice does not send twice
    (promemoria,) = mail.outbox[-1:]
    assert len([m for m in mail.outbox if "Domani" in m.subject]) == 1
    assert "Domani" in promemoria.subject
    assert any(isinstance(a, tuple) and a[2] == "text/calendar" for a in promemoria.attachments)


def test_chiusura_prenotazioni_e_evento_non_prenotabile(client):
    evento = evento_prenotabile(posti=10, prenotazioni_al=timezone.now() - timedelta(hours=1))
    risposta = client.get(reverse("eventi:prenota", args=[evento.slug]))
    assert "non sono aperte" in risposta.content.decode()
    _prenota_classe(client, evento)
    assert not Prenotazione.objects.exists()
    libero = evento_prenotabile(posti=10, prenotazione=Evento.Prenotazione.LIBERO)
    assert client.get(reverse("eventi:prenota", args=[libero.slug])).status_code == 404


def test_jsonld_offerta_con_disponibilita(client, commit):
    evento = evento_prenotabile(posti=10, tipo="individuale", posti_per_prenotazione=10)
    assert "https://schema.org/InStock" in client.get(evento.get_absolute_url()).content.decode()
    p = services.richiedi(evento, {"nome": "A", "email": "a@example.org", "posti": 9}, "it")
    with commit():
        services.conferma(p.pk)
    pagina = client.get(evento.get_absolute_url()).content.decode()  # the cache was invalidated
    assert "https://schema.org/LimitedAvailability" in pagina
    assert "1 posto disponibile" in pagina
    assert "eventAttendanceMode" in pagina


# --- Organisers ---------------------------------------------------------------------------------


@pytest.fixture
def evento_con_prenotati(scuola_a, referente_a, commit):
    evento = evento_prenotabile(posti=40, tipo="classe", scuola_proponente=scuola_a, proposto_da=referente_a)
    for n, nome in enumerate(['=HYPERLINK("http://x")', "Anna Verdi", "Carlo Neri"]):
        p = services.richiedi(
            evento,
            {
                "nome": nome,
                "email": f"d{n}@example.org",
                "posti": 12,
                "studenti": 10,
                "accompagnatori": 2,
                "scuola": scuola_a,
                "classe": f"{n + 1}A",
            },
            "it",
        )
        services.conferma(p.pk)
    mail.outbox.clear()
    return evento


def test_organizzatore_vede_prenotati_e_lista_d_attesa(client, referente_a, evento_con_prenotati):
    entra(client, referente_a)
    url = reverse("eventi:prenotazioni", args=[evento_con_prenotati.pk])
    risposta = client.get(url)
    testo = risposta.content.decode()
    assert "Anna Verdi" in testo and "3A" in testo
    assert "Posti occupati: 36 su 40" in testo and "3 prenotazioni confermate (36 posti)" in testo


def test_gestione_con_una_prenotazione_di_un_posto_usa_il_singolare(client, referente_a, scuola_a):
    evento = evento_prenotabile(
        posti=30, tipo="individuale", proposto_da=referente_a, scuola_proponente=scuola_a
    )
    p = services.richiedi(evento, {"nome": "Anna Verdi", "email": "anna@example.org", "posti": 1}, "it")
    services.conferma(p.pk)
    entra(client, referente_a)
    url = reverse("eventi:prenotazioni", args=[evento.pk])
    assert "1 prenotazione confermata (1 posto)" in client.get(url).content.decode()
    assert "1 confirmed booking (1 place)" in client.get("/en" + url).content.decode()


def _query_gestione(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as c:
        client.get(url)
    return len(c.captured_queries)


def test_pagina_prenotazioni_non_cresce_con_i_prenotati(
    client, referente_a, evento_con_prenotati, scuola_a, django_assert_num_queries
):
    entra(client, referente_a)
    url = reverse("eventi:prenotazioni", args=[evento_con_prenotati.pk])
    _query_gestione(client, url)  # the first request after the login also loads the session's extras
    prima = _query_gestione(client, url)
    for n in range(3):
        p = services.richiedi(
            evento_con_prenotati,
            {
                "nome": "N",
                "email": f"n{n}@example.org",
                "posti": 1,
                "studenti": 0,
                "accompagnatori": 1,
                "scuola": scuola_a,
                "classe": "5C",
            },
            "it",
        )
        services.conferma(p.pk)
    with django_assert_num_queries(prima):
        assert client.get(url).status_code == 200


def test_export_csv_e_xlsx_con_formule_neutralizzate(client, referente_a, evento_con_prenotati):
    entra(client, referente_a)
    risposta = client.get(reverse("eventi:prenotazioni_csv", args=[evento_con_prenotati.pk]))
    testo = b"".join(risposta.streaming_content).decode("utf-8")
    assert testo.startswith("\ufeff")
    righe = list(csv.reader(io.StringIO(testo[1:]), delimiter=";"))
    assert righe[0][:4] == ["Data", "Stato", "Nome", "E-mail"]
    assert len(righe) == 4
    assert righe[1][2] == '\'=HYPERLINK("http://x")'
    risposta = client.get(reverse("eventi:prenotazioni_xlsx", args=[evento_con_prenotati.pk]))
    foglio = load_workbook(io.BytesIO(b"".join(risposta.streaming_content))).active
    valori = [[c.value for c in r] for r in foglio.iter_rows()]
    assert valori[1][2].startswith("'=") and valori[2][2] == "Anna Verdi"
    assert valori[1][8] == 10  # students: a number, not text


def test_messaggio_a_tutti_i_prenotati_passa_dalla_coda(client, referente_a, evento_con_prenotati):
    entra(client, referente_a)
    risposta = client.post(
        reverse("eventi:prenotazioni_messaggio", args=[evento_con_prenotati.pk]),
        {"oggetto": "Cambio aula", "testo": "Ci vediamo in aula 2."},
    )
    assert risposta.status_code == 302
    m = MessaggioPrenotati.objects.get()
    assert m.stato == MessaggioPrenotati.Stato.INVIATO and m.destinatari == 3
    assert sorted(x.to[0] for x in mail.outbox) == ["d0@example.org", "d1@example.org", "d2@example.org"]
    from eventi.prenotazioni.posta import invia_messaggio

    assert invia_messaggio(m.pk) == 0  # running the task twice sends nothing more
    assert len(mail.outbox) == 3


def test_ingresso_dal_qr_registra_una_volta(client, referente_a, referente_b, evento_con_prenotati):
    p = evento_con_prenotati.prenotazioni.first()
    url = reverse("eventi:ingresso", args=[token_ingresso(p)])
    assert client.get(url).status_code == 302  # login first
    entra(client, referente_b)
    assert client.get(url).status_code == 403  # a public event, not theirs
    entra(client, referente_a)
    assert "Registra l" in client.get(url).content.decode()
    assert "Ingresso registrato" in client.post(url).content.decode()
    p.refresh_from_db()
    assert p.ingresso_il is not None
    assert "Già entrati" in client.post(url).content.decode()
    assert client.get(reverse("eventi:ingresso", args=[token_personale(p)])).status_code == 404


def test_ufficio_di_altro_distretto_non_gestisce(client, ufficio_b, ufficio_a, evento_con_prenotati):
    url = reverse("eventi:prenotazioni", args=[evento_con_prenotati.pk])
    assert entra(client, ufficio_b).get(url).status_code == 403
    assert entra(client, ufficio_a).get(url).status_code == 200


def test_la_gestione_dell_organizzatore_porta_alle_prenotazioni(
    client, referente_a, referente_b, evento_con_prenotati
):
    url = reverse("eventi:prenotazioni", args=[evento_con_prenotati.pk])
    assert url in entra(client, referente_a).get(reverse("eventi:gestione")).content.decode()
    assert url not in entra(client, referente_b).get(reverse("eventi:gestione")).content.decode()


def _evento_a_due_date(posti=2, tipo="individuale"):
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    return evento_prenotabile(
        posti=posti,
        tipo=tipo,
        date=[
            (base, base + timedelta(hours=2)),
            (base + timedelta(days=7), base + timedelta(days=7, hours=2)),
        ],
    )


def _prenota_data(client, evento, data, email, posti=1):
    return client.post(
        reverse("eventi:prenota", args=[evento.slug]),
        {"nome": "Luca Bianchi", "email": email, "posti": posti, "maggiorenne": "on", "data": str(data.pk)},
    )


def test_evento_a_piu_date_ha_posti_e_lista_d_attesa_per_data(client, commit):
    evento = _evento_a_due_date(posti=2)
    prima, seconda = evento.date.all()
    pagina = client.get(reverse("eventi:prenota", args=[evento.slug])).content.decode()
    assert pagina.count('type="radio" name="data"') == 2 and "2 posti disponibili" in pagina

    _prenota_data(client, evento, prima, "anna@example.org", posti=2)
    _conferma(client, mail.outbox[-1])
    prima.refresh_from_db()
    assert prima.posti_occupati == 2
    # The first date is full: its waiting list; the second date still has its own places.
    _prenota_data(client, evento, prima, "bruno@example.org")
    _conferma(client, mail.outbox[-1])
    _prenota_data(client, evento, seconda, "carla@example.org")
    _conferma(client, mail.outbox[-1])
    bruno = Prenotazione.objects.get(email="bruno@example.org")
    carla = Prenotazione.objects.get(email="carla@example.org")
    assert (bruno.stato, bruno.data_id) == (S.IN_ATTESA, prima.pk)
    assert (carla.stato, carla.data_id) == (S.CONFERMATA, seconda.pk)

    pagina = client.get(evento.get_absolute_url()).content.decode()
    posti = re.search(r"posti-per-data.*?</ul>", pagina, re.S).group(0)
    assert posti.index("Posti esauriti: lista d'attesa") < posti.index("1 posto disponibile")
    dati = json.loads(re.search(r'application/ld\+json">(.*?)</script>', pagina, re.S).group(1))
    assert dati["offers"]["availability"] == "https://schema.org/LimitedAvailability"

    # Carla's mail speaks of her date only, and so does its calendar.
    confermata = next(m for m in mail.outbox if m.to == ["carla@example.org"] and m.attachments)
    (ics,) = [a for a in confermata.attachments if isinstance(a, tuple) and a[0].endswith(".ics")]
    (vevento,) = icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")
    assert vevento.decoded("dtstart") == seconda.inizio

    # Anna cancels: her places go to the first date's waiting list, not to the second date's.
    anna = Prenotazione.objects.get(email="anna@example.org")
    with commit():
        services.annulla(anna.pk)
    bruno.refresh_from_db()
    carla.refresh_from_db()
    assert bruno.stato == S.OFFERTA and carla.stato == S.CONFERMATA
    assert bruno.offerta_scade_il <= prima.inizio


def test_data_di_un_altro_evento_o_passata_non_si_prenota(client):
    evento = _evento_a_due_date()
    altro = evento_prenotabile()
    risposta = _prenota_data(client, evento, altro.date.get(), "anna@example.org")
    assert risposta.status_code == 200 and "data" in risposta.context["form"].errors
    assert 'value="anna@example.org"' in risposta.content.decode()
    assert not Prenotazione.objects.exists()
    # Once the first date has started, only the second one is offered (and chosen without asking).
    prima, seconda = evento.date.all()
    DataEvento.objects.filter(pk=prima.pk).update(inizio=timezone.now() - timedelta(hours=1))
    pagina = client.get(reverse("eventi:prenota", args=[evento.slug])).content.decode()
    assert 'name="data"' not in pagina
    _prenota_singolo(client, evento, "bruno@example.org")
    assert Prenotazione.objects.get().data_id == seconda.pk


def test_organizzatore_vede_posti_e_attesa_per_data_e_l_export_ha_la_data(client, referente_a, scuola_a):
    evento = _evento_a_due_date(posti=1)
    Evento.objects.filter(pk=evento.pk).update(proposto_da=referente_a, scuola_proponente=scuola_a)
    prima, seconda = evento.date.all()
    for email, data in (("a@example.org", prima), ("b@example.org", prima), ("c@example.org", seconda)):
        p = services.richiedi(evento, {"nome": email, "email": email, "posti": 1, "data": data}, "it")
        services.conferma(p.pk)
    entra(client, referente_a)
    risposta = client.get(reverse("eventi:prenotazioni", args=[evento.pk]))
    righe = {d.pk: d for d in risposta.context["date"]}
    assert (righe[prima.pk].posti_occupati, righe[prima.pk].in_attesa) == (1, 1)
    assert (righe[seconda.pk].posti_occupati, righe[seconda.pk].in_attesa) == (1, 0)
    assert [len(lista) for _d, lista in risposta.context["attesa_per_data"]] == [1, 0]
    testo = b"".join(client.get(reverse("eventi:prenotazioni_csv", args=[evento.pk])).streaming_content)
    righe_csv = list(csv.reader(io.StringIO(testo.decode("utf-8")[1:]), delimiter=";"))
    quando = timezone.localtime(seconda.inizio).strftime("%d/%m/%Y")
    assert any(r[0].startswith(quando) and r[2] == "c@example.org" for r in righe_csv[1:])


def test_data_con_prenotazioni_non_si_toglie():
    from eventi.date import FormDate

    evento = _evento_a_due_date()
    prima, seconda = evento.date.all()
    services.richiedi(evento, {"nome": "A", "email": "a@example.org", "posti": 1, "data": seconda}, "it")
    dati = {
        "date-TOTAL_FORMS": "2",
        "date-INITIAL_FORMS": "2",
        "date-MIN_NUM_FORMS": "1",
        "date-MAX_NUM_FORMS": "1000",
    }
    for i, d in enumerate((prima, seconda)):
        dati[f"date-{i}-id"] = str(d.pk)
        dati[f"date-{i}-inizio"] = timezone.localtime(d.inizio).strftime("%Y-%m-%dT%H:%M")
        dati[f"date-{i}-fine"] = timezone.localtime(d.fine).strftime("%Y-%m-%dT%H:%M")
    dati["date-1-DELETE"] = "on"
    date = FormDate(dati, instance=evento, prefix="date")
    assert not date.is_valid()
    assert "ha delle prenotazioni" in " ".join(date.forms[1].errors["DELETE"])
    del dati["date-1-DELETE"]
    dati["date-0-DELETE"] = "on"  # the date without bookings goes
    date = FormDate(dati, instance=evento, prefix="date")
    assert date.is_valid(), date.errors
    date.save()
    assert list(evento.date.all()) == [seconda]


def test_promemoria_per_la_data_prenotata(commit):
    from eventi.prenotazioni.posta import invia

    evento = _evento_a_due_date()
    prima, seconda = evento.date.all()
    p = services.richiedi(evento, {"nome": "A", "email": "a@example.org", "posti": 1, "data": seconda}, "it")
    services.conferma(p.pk)
    vigilia_prima = prima.inizio - timedelta(days=1)
    assert not services.da_ricordare(vigilia_prima).exists()  # the event starts, but not her date
    assert list(services.da_ricordare(seconda.inizio - timedelta(days=1))) == [p]
    mail.outbox.clear()
    invia(p.pk, "promemoria")
    giorno = formats.date_format(timezone.localtime(seconda.inizio), "DATE_FORMAT")
    assert giorno in mail.outbox[0].body
