"""Event proposals (school coordinators, organisation contacts) and their review (staff, district office)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eventi import workflow
from eventi.models import Evento, StatoEvento
from tests.conftest import entra
from tests.eventi.factories import EdizioneFactory, EventoFactory, immagine_png, ora_roma
from tests.factories import comune

pytestmark = pytest.mark.django_db

PROPONI = reverse("eventi:proponi")


def _dati(**altri):
    dati = {
        "titolo": "Laboratorio di stampa 3D",
        "tipo": "laboratorio",
        "pubblici": ["famiglie"],
        "inizio": "2026-11-12T15:00",
        "fine": "2026-11-12T17:00",
        "luogo": "Laboratorio",
        "indirizzo": "Via Emilia 1",
        "comune": str(comune("Bologna").pk),
        "descrizione": '<p onclick="x()">Vieni a <b>stampare</b>!</p><script>alert(1)</script>',
        "immagine": immagine_png(),
        "immagine_alt": "Una stampante 3D",
        "prenotazione": "libero",
        "ripetizioni": "0",
    }
    dati.update(altri)
    from eventi.models import Pubblico

    dati["pubblici"] = [str(Pubblico.objects.get(codice=c).pk) for c in dati["pubblici"]]
    return dati


def test_referente_scolastico_propone_un_evento(client, referente_a, scuola_a):
    entra(client, referente_a)
    edizione = EdizioneFactory(anno=2026)
    response = client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_a.pk}", edizione=str(edizione.pk)))
    evento = Evento.objects.get()
    assert response.status_code == 302 and response["Location"] == evento.get_absolute_url()
    assert evento.stato == StatoEvento.PROPOSTO
    assert evento.proposto_da == referente_a and evento.scuola_proponente == scuola_a
    assert list(evento.scuole.all()) == [scuola_a]
    assert evento.distretto.slug == "bologna"
    assert "<script" not in evento.descrizione and "onclick" not in evento.descrizione
    assert "<b>stampare</b>" in evento.descrizione
    assert evento.immagine.name.endswith(".jpg")  # re-encoded
    assert evento.date.count() == 1
    # the proposer sees the proposal, nobody outside its scope does
    assert client.get(evento.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(evento.get_absolute_url()).status_code == 404


def test_proposta_con_immagine_falsa_viene_rifiutata(client, referente_a, scuola_a):
    entra(client, referente_a)
    finta = SimpleUploadedFile("foto.jpg", b"non sono una foto", content_type="image/jpeg")
    response = client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_a.pk}", immagine=finta))
    assert response.status_code == 200
    assert not Evento.objects.exists()
    assert "immagine" in response.context["form"].errors


def test_proposta_senza_testo_alternativo_viene_rifiutata(client, referente_a, scuola_a):
    entra(client, referente_a)
    response = client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_a.pk}", immagine_alt=""))
    assert "immagine_alt" in response.context["form"].errors
    assert not Evento.objects.exists()


def test_referente_non_puo_proporre_per_una_scuola_non_sua(client, referente_a, scuola_b):
    entra(client, referente_a)
    response = client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_b.pk}"))
    assert response.status_code == 200 and "per_conto_di" in response.context["form"].errors
    assert not Evento.objects.exists()


def test_ripetizione_settimanale_mantiene_l_ora_attraverso_il_cambio_di_ora(client, referente_a, scuola_a):
    from django.utils import timezone

    entra(client, referente_a)
    # 25 October 2026: back to winter time between the 2nd and the 3rd date.
    dati = _dati(per_conto_di=f"scuola:{scuola_a.pk}", inizio="2026-10-14T15:00", fine="2026-10-14T17:00")
    dati["ripetizioni"] = "3"
    client.post(PROPONI, dati)
    evento = Evento.objects.get()
    date = list(evento.date.all())
    assert len(date) == 4
    assert [timezone.localtime(d.inizio).hour for d in date] == [15, 15, 15, 15]
    assert [timezone.localtime(d.inizio).day for d in date] == [14, 21, 28, 4]
    assert evento.inizio == date[0].inizio and evento.fine == date[-1].fine


def test_referente_di_organizzazione_propone_un_evento(client, referente_org, organizzazione):
    entra(client, referente_org)
    response = client.post(PROPONI, _dati(per_conto_di=f"org:{organizzazione.pk}"))
    assert response.status_code == 302
    evento = Evento.objects.get()
    assert evento.organizzazione_proponente == organizzazione
    assert list(evento.organizzazioni.all()) == [organizzazione]


def test_ufficio_di_distretto_non_propone_ma_decide(client, ufficio_a):
    entra(client, ufficio_a)
    assert client.get(PROPONI).status_code == 403


@pytest.fixture
def proposta_a(referente_a, scuola_a):
    return EventoFactory(
        titolo="Proposta di Bologna",
        stato=StatoEvento.PROPOSTO,
        proposto_da=referente_a,
        scuola_proponente=scuola_a,
        scuole=[scuola_a],
    )


def _decidi(client, evento, azione, motivo=""):
    return client.post(reverse("eventi:decidi", args=[evento.pk]), {"azione": azione, "motivo": motivo})


def test_ufficio_del_distretto_approva_e_pubblica(client, ufficio_a, proposta_a):
    entra(client, ufficio_a)
    pagina = client.get(proposta_a.get_absolute_url()).content.decode()
    assert 'name="azione"' in pagina and 'value="approva"' in pagina
    assert _decidi(client, proposta_a, "approva").status_code == 302
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.APPROVATO and proposta_a.deciso_da == ufficio_a
    _decidi(client, proposta_a, "pubblica")
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.PUBBLICATO
    client.logout()
    assert client.get(proposta_a.get_absolute_url()).status_code == 200
    assert "Proposta di Bologna" in client.get(reverse("eventi:elenco") + "?da=2026-01-01").content.decode()


def test_ufficio_di_altro_distretto_non_vede_la_proposta(client, ufficio_b, proposta_a):
    entra(client, ufficio_b)
    assert client.get(proposta_a.get_absolute_url()).status_code == 404
    assert _decidi(client, proposta_a, "approva").status_code == 404
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.PROPOSTO


def test_chi_propone_non_approva_da_solo(client, referente_a, proposta_a):
    entra(client, referente_a)
    assert _decidi(client, proposta_a, "pubblica").status_code == 403
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.PROPOSTO


def test_staff_rifiuta_con_nota_e_l_evento_resta_privato(client, staff, proposta_a):
    entra(client, staff)
    _decidi(client, proposta_a, "rifiuta", "Date sovrapposte con un altro evento")
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.RIFIUTATO
    assert proposta_a.nota_decisione == "Date sovrapposte con un altro evento"
    client.logout()
    assert client.get(proposta_a.get_absolute_url()).status_code == 404


def test_annullamento_senza_motivo_non_avviene_e_con_motivo_e_pubblico(client, staff, proposta_a):
    entra(client, staff)
    _decidi(client, proposta_a, "pubblica")
    _decidi(client, proposta_a, "annulla")
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.PUBBLICATO
    _decidi(client, proposta_a, "annulla", "Chiusura della scuola per allerta meteo")
    proposta_a.refresh_from_db()
    assert proposta_a.stato == StatoEvento.ANNULLATO
    client.logout()
    assert (
        "Chiusura della scuola per allerta meteo"
        in client.get(proposta_a.get_absolute_url()).content.decode()
    )


def test_proponente_modifica_la_proposta_ma_non_l_evento_pubblicato(client, referente_a, proposta_a, staff):
    entra(client, referente_a)
    url = reverse("eventi:modifica", args=[proposta_a.pk])
    assert client.get(url).status_code == 200
    dati = _dati(titolo="Titolo corretto", inizio="2026-11-20T09:00", fine="2026-11-20T11:00")
    dati.pop("immagine")  # keeps the stored image
    response = client.post(url, dati)
    assert response.status_code == 302, response.context["form"].errors
    proposta_a.refresh_from_db()
    assert proposta_a.titolo == "Titolo corretto"
    assert proposta_a.date.get().inizio == proposta_a.inizio
    workflow.esegui(proposta_a, "pubblica", staff)
    assert client.get(url).status_code == 403


def test_gestione_mostra_le_proposte_da_esaminare_solo_nel_proprio_distretto(
    client, ufficio_a, ufficio_b, proposta_a
):
    EventoFactory(titolo="Proposta di Imola", stato=StatoEvento.PROPOSTO, comune=comune("Imola"))
    entra(client, ufficio_a)
    testo = client.get(reverse("eventi:gestione")).content.decode()
    assert "Proposta di Bologna" in testo and "Proposta di Imola" not in testo
    entra(client, ufficio_b)
    testo = client.get(reverse("eventi:gestione")).content.decode()
    assert "Proposta di Imola" in testo and "Proposta di Bologna" not in testo


def test_visibili_a_e_modificabili_da(referente_a, referente_b, ufficio_a, staff, proposta_a):
    pubblicato = EventoFactory(inizio=proposta_a.inizio + timedelta(days=1))
    assert set(Evento.objects.visibili_a(referente_b)) == {pubblicato}
    assert set(Evento.objects.visibili_a(referente_a)) == {pubblicato, proposta_a}
    assert set(Evento.objects.visibili_a(ufficio_a)) == {pubblicato, proposta_a}
    assert set(Evento.objects.modificabili_da(referente_a)) == {proposta_a}
    assert not Evento.objects.modificabili_da(referente_b).exists()
    assert set(Evento.objects.approvabili_da(staff)) == {pubblicato, proposta_a}
    assert not Evento.objects.approvabili_da(referente_a).exists()


def test_evento_con_piu_date_si_modifica_data_per_data(client, referente_a, scuola_a):
    evento = EventoFactory(
        stato=StatoEvento.PROPOSTO,
        proposto_da=referente_a,
        scuola_proponente=scuola_a,
        date=[
            (ora_roma(2026, 11, 3, 9), ora_roma(2026, 11, 3, 12)),
            (ora_roma(2026, 11, 10, 9), ora_roma(2026, 11, 10, 12)),
        ],
    )
    prima, seconda = evento.date.all()
    entra(client, referente_a)
    url = reverse("eventi:modifica", args=[evento.pk])
    pagina = client.get(url)
    assert "date-TOTAL_FORMS" in pagina.content.decode()
    assert "inizio" not in pagina.context["form"].fields
    dati = _dati()
    for campo in ("immagine", "inizio", "fine", "ripetizioni"):
        dati.pop(campo)
    dati.update(
        {
            "date-TOTAL_FORMS": "3",
            "date-INITIAL_FORMS": "2",
            "date-MIN_NUM_FORMS": "1",
            "date-MAX_NUM_FORMS": "1000",
            "date-0-id": str(prima.pk),
            "date-0-inizio": "2026-11-03T09:00",
            "date-0-fine": "2026-11-03T12:00",
            "date-0-DELETE": "on",
            "date-1-id": str(seconda.pk),
            "date-1-inizio": "2026-11-10T14:00",
            "date-1-fine": "2026-11-10T16:00",
            "date-2-inizio": "2026-11-17T14:00",
            "date-2-fine": "2026-11-17T16:00",
        }
    )
    response = client.post(url, dati)
    assert response.status_code == 302, response.context["date"].errors
    evento.refresh_from_db()
    assert [d.inizio for d in evento.date.all()] == [ora_roma(2026, 11, 10, 14), ora_roma(2026, 11, 17, 14)]
    assert evento.inizio == ora_roma(2026, 11, 10, 14) and evento.fine == ora_roma(2026, 11, 17, 16)


def test_gestione_con_molte_proposte_ha_query_costanti(client, ufficio_a):
    def proposte(da: int, a: int) -> None:
        for n in range(da, a):
            EventoFactory(
                titolo=f"Proposta numero {n}", stato=StatoEvento.PROPOSTO, inizio=ora_roma(2026, 11, 1 + n, 9)
            )

    proposte(0, 3)
    entra(client, ufficio_a)
    client.get(reverse("eventi:gestione"))  # the first request after the login also updates the session
    with CaptureQueriesContext(connection) as poche:
        client.get(reverse("eventi:gestione"))
    proposte(3, 25)
    with CaptureQueriesContext(connection) as molte:
        testo = client.get(reverse("eventi:gestione")).content.decode()
    assert len(molte) == len(poche)
    sezione = testo.split('id="titolo-decidere"')[1].split("</section>")[0]
    assert sezione.count("Proposta numero") == 20
    assert "di 25 eventi in attesa" in sezione
    assert "Proposta numero 0<" in sezione and "Proposta numero 24<" not in sezione


def test_la_gestione_e_per_utente_e_segue_ogni_decisione(client, referente_a, proposta_a, ufficio_a):
    from tests.factories import referente_scuola

    collega = referente_scuola(proposta_a.scuola_proponente, utente__username="collega_a")
    EventoFactory(titolo="Proposta personale", stato=StatoEvento.PROPOSTO, proposto_da=collega)
    # Two coordinators of the same school (same scope): each sees their own proposals.
    entra(client, collega)
    testo = client.get(reverse("eventi:gestione")).content.decode()
    assert "Proposta personale" in testo and "Proposta di Bologna" in testo
    entra(client, referente_a)
    testo = client.get(reverse("eventi:gestione")).content.decode()
    assert "Proposta di Bologna" in testo and "Proposta personale" not in testo
    entra(client, ufficio_a)
    assert _decidi(client, proposta_a, "approva").status_code == 302
    entra(client, referente_a)
    riga = (
        client.get(reverse("eventi:gestione"))
        .content.decode()
        .split("Proposta di Bologna")[1]
        .split("</tr>")[0]
    )
    assert str(StatoEvento.APPROVATO.label) in riga


def test_proposta_avvisa_ufficio_e_staff_e_il_proponente_riceve_ricevuta_e_decisioni(
    client, referente_a, scuola_a, ufficio_a, ufficio_b, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    from eventi import workflow

    entra(client, referente_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_a.pk}"))
    evento = Evento.objects.get()
    per_oggetto = {m.to[0]: m.subject for m in mail.outbox}
    assert "Nuova proposta" in per_oggetto[ufficio_a.email] and "Nuova proposta" in per_oggetto[staff.email]
    assert ufficio_b.email not in per_oggetto  # another district
    assert "Proposta ricevuta" in per_oggetto[referente_a.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.esegui(evento, "approva", ufficio_a)
    (decisione,) = mail.outbox
    assert decisione.to == [referente_a.email] and "Approvato" in decisione.subject


def test_date_fuori_dall_edizione_errore_al_campo_inizio(client, referente_a, scuola_a):
    entra(client, referente_a)
    edizione = EdizioneFactory(anno=2026)  # 15 October – 15 December 2026
    response = client.post(
        PROPONI,
        _dati(
            per_conto_di=f"scuola:{scuola_a.pk}",
            edizione=str(edizione.pk),
            inizio="2027-03-01T10:00",
            fine="2027-03-01T12:00",
        ),
    )
    assert response.status_code == 200 and not Evento.objects.exists()
    assert "devono cadere nell'edizione scelta" in " ".join(response.context["form"].errors["inizio"])
    assert 'value="Laboratorio di stampa 3D"' in response.content.decode()


def test_prenotazione_sul_portale_chiede_i_posti(client, referente_a, scuola_a):
    entra(client, referente_a)
    response = client.post(PROPONI, _dati(per_conto_di=f"scuola:{scuola_a.pk}", prenotazione="portale"))
    assert "posti" in response.context["form"].errors
    response = client.post(
        PROPONI,
        _dati(
            per_conto_di=f"scuola:{scuola_a.pk}",
            prenotazione="portale",
            posti="50",
            tipo_prenotazione="classe",
            posti_per_prenotazione="30",
        ),
    )
    evento = Evento.objects.get()
    assert (evento.prenotazione, evento.posti, evento.tipo_prenotazione) == ("portale", 50, "classe")


def test_ripetizioni_oltre_la_fine_dell_edizione_errore_al_campo_ripetizioni(client, referente_a, scuola_a):
    entra(client, referente_a)
    edizione = EdizioneFactory(anno=2026)  # 15 October – 15 December 2026
    dati = _dati(
        per_conto_di=f"scuola:{scuola_a.pk}",
        edizione=str(edizione.pk),
        inizio="2026-11-26T15:00",
        fine="2026-11-26T17:00",
        ripetizioni="4",  # the last one would be on 24 December
    )
    response = client.post(PROPONI, dati)
    assert response.status_code == 200 and not Evento.objects.exists()
    errori = " ".join(response.context["form"].errors["ripetizioni"])
    assert "24 dicembre 2026" in errori.lower() and "al massimo 2 ripetizioni" in errori
    assert 'name="ripetizioni" value="4"' in response.content.decode()
    dati["ripetizioni"] = "2"
    dati["immagine"] = immagine_png()
    assert client.post(PROPONI, dati).status_code == 302
    assert Evento.objects.get().date.count() == 3


def _dati_date(evento, *date):
    dati = _dati()
    for campo in ("immagine", "inizio", "fine", "ripetizioni"):
        dati.pop(campo)
    dati["edizione"] = str(evento.edizione_id)
    esistenti = list(evento.date.all())
    dati.update(
        {
            "date-TOTAL_FORMS": str(len(date)),
            "date-INITIAL_FORMS": str(len(esistenti)),
            "date-MIN_NUM_FORMS": "1",
            "date-MAX_NUM_FORMS": "1000",
        }
    )
    for i, (inizio, fine) in enumerate(date):
        if i < len(esistenti):
            dati[f"date-{i}-id"] = str(esistenti[i].pk)
        dati[f"date-{i}-inizio"], dati[f"date-{i}-fine"] = inizio, fine
    return dati


def test_data_ripetuta_fuori_dall_edizione_errore_alla_data(client, referente_a, scuola_a):
    evento = EventoFactory(
        stato=StatoEvento.PROPOSTO,
        proposto_da=referente_a,
        scuola_proponente=scuola_a,
        date=[
            (ora_roma(2026, 11, 3, 9), ora_roma(2026, 11, 3, 12)),
            (ora_roma(2026, 11, 10, 9), ora_roma(2026, 11, 10, 12)),
        ],
    )
    entra(client, referente_a)
    url = reverse("eventi:modifica", args=[evento.pk])
    dati = _dati_date(
        evento, ("2026-11-03T09:00", "2026-11-03T12:00"), ("2027-01-12T09:00", "2027-01-12T12:00")
    )
    response = client.post(url, dati)
    assert response.status_code == 200
    seconda = response.context["date"].forms[1]
    assert "devono cadere nell'edizione scelta" in " ".join(seconda.errors["inizio"])
    assert not response.context["date"].forms[0].errors
    assert 'value="2027-01-12T09:00"' in response.content.decode()
    assert evento.date.filter(inizio=ora_roma(2026, 11, 10, 9)).exists()  # nothing saved


def test_cambio_di_edizione_di_un_evento_a_piu_date_segnala_le_date_fuori(client, referente_a, scuola_a):
    evento = EventoFactory(
        stato=StatoEvento.PROPOSTO,
        proposto_da=referente_a,
        scuola_proponente=scuola_a,
        date=[
            (ora_roma(2026, 11, 3, 9), ora_roma(2026, 11, 3, 12)),
            (ora_roma(2026, 11, 10, 9), ora_roma(2026, 11, 10, 12)),
        ],
    )
    altra = EdizioneFactory(anno=2027)  # 15 October – 15 December 2027
    entra(client, referente_a)
    url = reverse("eventi:modifica", args=[evento.pk])
    dati = _dati_date(
        evento, ("2026-11-03T09:00", "2026-11-03T12:00"), ("2026-11-10T09:00", "2026-11-10T12:00")
    )
    dati["edizione"] = str(altra.pk)
    response = client.post(url, dati)
    assert response.status_code == 200  # the span of the old dates is not the form's to report
    assert all("devono cadere" in " ".join(f.errors["inizio"]) for f in response.context["date"].forms)
    evento.refresh_from_db()
    assert evento.edizione_id != altra.pk
    dati.update({"date-0-inizio": "2027-11-03T09:00", "date-0-fine": "2027-11-03T12:00"})
    dati.update({"date-1-inizio": "2027-11-10T09:00", "date-1-fine": "2027-11-10T12:00"})
    assert client.post(url, dati).status_code == 302
    evento.refresh_from_db()
    assert evento.edizione_id == altra.pk and evento.inizio == ora_roma(2027, 11, 3, 9)
