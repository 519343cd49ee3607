"""Offers, interest and placements: a school's interest notifies the organisation, which accepts or
declines it; accepted interests take the places; a full or expired offer takes no new interest; the last
place goes to one school only; an accepted interest starts the convenzione and the project prefilled."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils.html import escape

from partnership import services
from partnership.models import InteresseOfferta, OffertaOspitalita
from tests.conftest import entra
from tests.factories import ScuolaFactory, comune
from tests.partnership.factories import OffertaFactory

OGGI = datetime.date.today()


def _offerta(organizzazione, **kwargs):
    valori = {
        "organizzazione": organizzazione,
        "posti": 5,
        "data_inizio": OGGI,
        "data_fine": OGGI + datetime.timedelta(days=90),
    }
    valori.update(kwargs)
    return OffertaFactory(**valori)


def _url(offerta):
    return reverse("partnership:offerta", kwargs={"pk": offerta.pk})


@pytest.mark.django_db
def test_l_interesse_avvisa_l_organizzazione_con_il_link_alla_sua_area(
    client,
    referente_a,
    referente_org,
    scuola_a,
    organizzazione,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    offerta = _offerta(organizzazione)
    entra(client, referente_a)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(
            _url(offerta), {"scuola": scuola_a.pk, "studenti": 3, "messaggio": "Classe 4ª A"}
        )
    assert risposta.status_code == 302
    assert InteresseOfferta.objects.get().stato == InteresseOfferta.Stato.IN_ATTESA
    (mail,) = mailoutbox
    assert mail.to == ["referente_org@example.org"]
    assert "Istituto tecnico Aldini (prova)" in mail.subject and offerta.titolo in mail.subject
    assert "per 3 studenti" in mail.body and "Classe 4ª A" in mail.body
    assert "/rete/mia-organizzazione/" in mail.body
    html = mail.alternatives[0][0]
    assert 'href="http' in html and "/rete/mia-organizzazione/" in html


@pytest.mark.django_db
def test_l_organizzazione_accetta_e_i_posti_scalano_poi_rifiuta_con_una_nota(
    client,
    referente_a,
    referente_org,
    scuola_a,
    organizzazione,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    offerta = _offerta(organizzazione)
    interesse = InteresseOfferta.objects.create(
        offerta=offerta, scuola=scuola_a, studenti=2, utente=referente_a
    )
    altra = InteresseOfferta.objects.create(offerta=offerta, scuola=ScuolaFactory(), studenti=1)
    entra(client, referente_org)
    assert "5 posti disponibili su 5" in client.get(_url(offerta)).content.decode()
    url = reverse(
        "partnership:interesse_decidi",
        kwargs={"pk": offerta.pk, "interesse": interesse.pk, "decisione": "accetta"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"nota": "Vi aspettiamo lunedì alle 9."}).status_code == 302
    interesse.refresh_from_db()
    assert interesse.stato == "accettato" and interesse.deciso_da == referente_org
    assert "3 posti disponibili su 5" in client.get(_url(offerta)).content.decode()
    (mail,) = mailoutbox
    assert mail.to == ["referente_a@example.org"] and "accettato" in mail.subject.lower()
    assert "Vi aspettiamo lunedì alle 9." in mail.body
    rifiuta = reverse(
        "partnership:interesse_decidi",
        kwargs={"pk": offerta.pk, "interesse": altra.pk, "decisione": "rifiuta"},
    )
    assert client.post(rifiuta, {"nota": "Periodo già pieno."}).status_code == 302
    altra.refresh_from_db()
    assert altra.stato == "rifiutato" and altra.nota_risposta == "Periodo già pieno."
    assert "3 posti disponibili su 5" in client.get(_url(offerta)).content.decode()
    # The school sees the answer and may start the convenzione and the project from it.
    entra(client, referente_a)
    html = client.get(_url(offerta)).content.decode()
    assert "Vi aspettiamo lunedì alle 9." in html and f"?interesse={interesse.pk}" in html


@pytest.mark.django_db
def test_solo_l_organizzazione_decide(client, referente_a, ufficio_a, scuola_a, organizzazione):
    offerta = _offerta(organizzazione)
    interesse = InteresseOfferta.objects.create(offerta=offerta, scuola=scuola_a)
    url = reverse(
        "partnership:interesse_decidi",
        kwargs={"pk": offerta.pk, "interesse": interesse.pk, "decisione": "accetta"},
    )
    for persona in (referente_a, ufficio_a):
        entra(client, persona)
        assert client.post(url).status_code == 403
    interesse.refresh_from_db()
    assert interesse.stato == "in_attesa"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("campi", "motivo"),
    [
        ({"posti": 2}, "I posti dell'offerta sono esauriti."),
        ({"scadenza_candidature": OGGI - datetime.timedelta(days=1)}, "Il termine per manifestare interesse"),
    ],
)
def test_offerta_piena_o_scaduta_non_accetta_nuovi_interessi(
    client, referente_a, scuola_a, organizzazione, campi, motivo
):
    offerta = _offerta(organizzazione, **campi)
    InteresseOfferta.objects.create(offerta=offerta, scuola=ScuolaFactory(), studenti=2, stato="accettato")
    entra(client, referente_a)
    pagina = client.get(_url(offerta))
    assert escape(motivo) in pagina.content.decode() and pagina.context["form"] is None
    risposta = client.post(_url(offerta), {"scuola": scuola_a.pk, "studenti": 1}, follow=True)
    assert escape(motivo) in risposta.content.decode()
    assert not InteresseOfferta.objects.filter(scuola=scuola_a).exists()
    # An accepted interest cannot take more places than are left either.
    in_attesa = InteresseOfferta.objects.create(offerta=offerta, scuola=ScuolaFactory(), studenti=1)
    if "posti" in campi:
        with pytest.raises(services.OffertaChiusa):
            services.decidi_interesse(in_attesa.pk, True, "", None)


@pytest.mark.django_db
def test_l_interesse_accettato_avvia_convenzione_e_progetto_compilati(
    client, referente_a, referente_b, scuola_a, organizzazione
):
    offerta = _offerta(organizzazione, titolo="Tirocinio in officina meccanica", classi="4ª")
    interesse = InteresseOfferta.objects.create(offerta=offerta, scuola=scuola_a, stato="accettato")
    entra(client, referente_a)
    form = client.get(reverse("partnership:convenzione_nuova"), {"interesse": interesse.pk}).context["form"]
    assert form.initial["scuola"] == scuola_a.pk and form.initial["organizzazione"] == organizzazione.pk
    assert form.initial["scadenza"] == services.fine_anno_scolastico(offerta.data_fine)
    risposta = client.get(reverse("progetti:nuovo"), {"interesse": interesse.pk})
    assert risposta.context["form"].initial["titolo"] == "Tirocinio in officina meccanica"
    assert risposta.context["form"].initial["data_inizio"] == offerta.data_inizio
    assert risposta.context["formset"].forms[0].initial["organizzazione"] == organizzazione.pk
    # Another school's coordinator gets an empty form from the same link.
    entra(client, referente_b)
    form = client.get(reverse("partnership:convenzione_nuova"), {"interesse": interesse.pk}).context["form"]
    assert "organizzazione" not in form.initial


@pytest.mark.django_db
def test_elenco_offerte_con_query_costanti(client, referente_a, organizzazione, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        _offerta(organizzazione)
    entra(client, referente_a)
    client.get(reverse("partnership:offerte"))
    with CaptureQueriesContext(connection) as poche:
        client.get(reverse("partnership:offerte"))
    for _ in range(6):
        _offerta(organizzazione)
    with django_assert_num_queries(len(poche.captured_queries)):
        client.get(reverse("partnership:offerte"))


def test_l_ultimo_posto_va_a_una_sola_scuola(con_dati_delle_migrazioni, organizzazione):
    """Two contacts accept the last place at once: the row lock lets one through, the other is told."""
    offerta = _offerta(organizzazione, posti=1)
    primo = InteresseOfferta.objects.create(offerta=offerta, scuola=ScuolaFactory(), studenti=1)
    secondo = InteresseOfferta.objects.create(offerta=offerta, scuola=ScuolaFactory(), studenti=1)
    esiti: list[str] = []

    def accetta_il_secondo():
        try:
            services.decidi_interesse(secondo.pk, True, "", None)
            esiti.append("accettato")
        except services.OffertaChiusa:
            esiti.append("chiusa")
        finally:
            connection.close()

    with transaction.atomic():
        # This transaction takes the offer's lock first; the other thread's acceptance must wait for it.
        OffertaOspitalita.objects.select_for_update().get(pk=offerta.pk)
        altro = threading.Thread(target=accetta_il_secondo)
        altro.start()
        altro.join(timeout=1.5)  # without the lock it would have counted the place as free and finished
        services.decidi_interesse(primo.pk, True, "", None)
    altro.join(timeout=30)
    assert esiti == ["chiusa"]
    assert list(InteresseOfferta.objects.filter(stato="accettato").values_list("pk", flat=True)) == [primo.pk]


@pytest.mark.django_db
def test_le_offerte_si_ordinano_per_distanza_dalla_scuola_e_si_filtrano(client, referente_b, organizzazione):
    from partnership.distanze import LONTANO, coordinate, km

    assert len(coordinate()) == 55  # every comune of the metropolitan city has its coordinates
    assert 30 < km(coordinate()["037006"], coordinate()["037032"]) < 36  # Bologna–Imola, about 33 km
    _offerta(organizzazione, titolo="A Bologna", comune=comune("Bologna"), sezione_ateco="C")
    _offerta(organizzazione, titolo="A Imola", comune=comune("Imola"), sezione_ateco="J")
    _offerta(organizzazione, titolo="A Porretta", comune=comune("Alto Reno Terme"), sezione_ateco="C")
    piena = _offerta(organizzazione, titolo="Piena a Dozza", comune=comune("Dozza"), posti=1)
    InteresseOfferta.objects.create(offerta=piena, scuola=ScuolaFactory(), stato="accettato")
    entra(client, referente_b)  # the school is in Imola
    url = reverse("partnership:offerte")
    titoli = [o.titolo for o in client.get(url).context["page_obj"]]
    assert titoli == ["A Imola", "Piena a Dozza", "A Bologna", "A Porretta"]
    html = client.get(url).content.decode()
    assert "0 posti disponibili su 1" in html and "km dalla scuola" in html
    assert [o.titolo for o in client.get(url, {"posti_liberi": "on"}).context["page_obj"]] == [
        "A Imola",
        "A Bologna",
        "A Porretta",
    ]
    assert [o.titolo for o in client.get(url, {"sezione_ateco": "C"}).context["page_obj"]] == [
        "A Bologna",
        "A Porretta",
    ]
    assert [o.titolo for o in client.get(url, {"ordina": "titolo"}).context["page_obj"]][0] == "A Bologna"
    _offerta(organizzazione, titolo="Fuori area", comune=None)
    offerte = list(client.get(url).context["page_obj"])
    assert [o.titolo for o in offerte] == [
        "A Imola",
        "Piena a Dozza",
        "A Bologna",
        "A Porretta",
        "Fuori area",
    ]
    distanze = {o.titolo: o.distanza for o in offerte}
    assert distanze["A Imola"] == 0.0
    assert distanze["A Bologna"] == round(km(coordinate()["037032"], coordinate()["037006"]), 1)
    assert distanze["Fuori area"] == LONTANO  # no comune of the metropolitan city: last
