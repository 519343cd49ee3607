"""Performance of the projects area: the showcase, the coordinator's dashboard and the office's review
queue run a constant number of queries whatever the number of projects, and show every change at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alternanza.progetti.models import Progetto, StatoProgetto
from distretti.models import AmbitoTematico
from tests.conftest import entra
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory, titoli_schede

S = StatoProgetto
pytestmark = pytest.mark.django_db
URL = "/progetti/"


def _query(client, url, dati=None) -> int:
    with CaptureQueriesContext(connection) as catturate:
        assert client.get(url, dati).status_code == 200
    return len(catturate)


def test_la_ricerca_di_un_utente_autenticato_ha_query_costanti(client, referente_a, scuola_a):
    ambiti = list(AmbitoTematico.objects.order_by("ordine")[:2])
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Officina meccanica", descrizione="Torni")
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Museo", descrizione="Un reparto meccanico")
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Orto", descrizione="Serre e piante")
    entra(client, referente_a)
    risposta = client.get(URL, {"q": "meccanica"})
    assert titoli_schede(risposta) == ["Officina meccanica", "Museo"]
    assert risposta.context["pagina"].paginator.count == 2
    pochi = [_query(client, URL, {"q": "meccanica"}), _query(client, URL)]
    for i in range(30):
        progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo=f"Meccanica {i}")
        progetto.ambiti.set(ambiti)
    assert [_query(client, URL, {"q": "meccanica"}), _query(client, URL)] == pochi


def test_la_ricerca_mostra_subito_ogni_modifica_anche_fuori_dalle_viste(client, referente_a, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Officina meccanica")
    entra(client, referente_a)
    assert titoli_schede(client.get(URL, {"q": "meccanica"})) == ["Officina meccanica"]
    Progetto.objects.filter(pk=progetto.pk).first().save()  # a save as the admin would do it
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Meccanica di precisione")
    assert sorted(titoli_schede(client.get(URL, {"q": "meccanica"}))) == [
        "Meccanica di precisione",
        "Officina meccanica",
    ]
    progetto.stato = S.ARCHIVIATO
    progetto.save()
    risposta = client.get(URL, {"q": "meccanica"})
    assert titoli_schede(risposta) == ["Meccanica di precisione"]
    assert "Officina meccanica" not in risposta.content.decode()


def test_le_schede_seguono_la_lingua_e_il_nome_della_scuola(client, referente_a, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Officina meccanica")
    entra(client, referente_a)
    assert scuola_a.denominazione in client.get(URL, {"q": "meccanica"}).content.decode()
    assert "/en/progetti/" in client.get("/en" + URL, {"q": "meccanica"}).content.decode()
    scuola_a.denominazione = "Istituto rinominato"
    scuola_a.save()
    assert "Istituto rinominato" in client.get(URL, {"q": "meccanica"}).content.decode()


def test_il_filtro_per_ambito_segue_gli_ambiti_tematici_aggiunti(client, referente_a, scuola_a):
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Laboratorio")
    entra(client, referente_a)
    assert titoli_schede(client.get(URL, {"ambito": ambito.slug})) == []
    progetto.ambiti.add(ambito)
    assert titoli_schede(client.get(URL, {"ambito": ambito.slug})) == ["Laboratorio"]


def test_i_filtri_mostrano_la_scelta_di_ogni_indirizzo(client, referente_a):
    entra(client, referente_a)
    for _ in range(2):  # also when the anonymous page of the other address is cached
        imola = client.get(URL, {"distretto": "imola"}).content.decode()
        bologna = client.get(URL, {"distretto": "bologna"}).content.decode()
        assert '<option value="imola" selected>' in imola
        assert '<option value="bologna" selected>' not in imola
        assert '<option value="bologna" selected>' in bologna


def test_la_coda_dell_ufficio_si_pagina_col_conteggio_delle_statistiche(client, ufficio_a, scuola_a):
    for _ in range(26):
        ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO)
    entra(client, ufficio_a)
    pagina = client.get(reverse("progetti:revisione")).context["pagina"]
    assert (pagina.paginator.count, pagina.paginator.num_pages, len(pagina)) == (26, 2, 25)
    assert len(client.get(reverse("progetti:revisione"), {"pagina": 2}).context["pagina"]) == 1
    primo = Progetto.objects.filter(stato=S.INVIATO).order_by("aggiornato_il", "id").first()
    assert pagina[0] == primo  # the oldest submission first
    primo.stato = S.VALIDATO
    primo.save()
    pagina = client.get(reverse("progetti:revisione")).context["pagina"]
    assert (pagina.paginator.count, pagina.paginator.num_pages) == (25, 1)
    validati = client.get(reverse("progetti:revisione"), {"stato": S.VALIDATO}).context["pagina"]
    assert validati.paginator.count == 2


def test_la_bacheca_del_referente_ha_query_costanti_e_mostra_solo_le_sue_scuole(
    client, referente_a, referente_b, scuola_a, scuola_b
):
    ProgettoFactory(scuola=scuola_a, titolo="Progetto della scuola A")
    ProgettoFactory(scuola=scuola_b, titolo="Progetto della scuola B")
    url = reverse("progetti:miei")
    entra(client, referente_a)
    html = client.get(url).content.decode()
    assert "Progetto della scuola A" in html and "Progetto della scuola B" not in html
    pochi = _query(client, url)
    for i in range(30):
        ProgettoFactory(scuola=scuola_a, titolo=f"Bozza {i}")
        ProgettoFactory(scuola=scuola_a, titolo=f"Rimandato {i}", stato=S.RIMANDATO)
    assert _query(client, url) == pochi
    client.logout()
    entra(client, referente_b)
    html = client.get(url).content.decode()
    assert "Progetto della scuola B" in html and "Progetto della scuola A" not in html
    # Any write, even outside the views, shows at once.
    ProgettoFactory(scuola=scuola_b, titolo="Nuovo progetto della scuola B")
    assert "Nuovo progetto della scuola B" in client.get(url).content.decode()


def test_la_coda_dell_ufficio_ha_query_costanti_e_mostra_solo_il_suo_distretto(
    client, ufficio_a, ufficio_b, scuola_a, scuola_b
):
    ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo="Inviato da Bologna")
    ProgettoFactory(scuola=scuola_b, stato=S.INVIATO, titolo="Inviato da Imola")
    url = reverse("progetti:revisione")
    entra(client, ufficio_a)
    html = client.get(url).content.decode()
    assert "Inviato da Bologna" in html and "Inviato da Imola" not in html
    pochi = _query(client, url)
    for i in range(30):
        ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo=f"Inviato {i}")
    assert _query(client, url) == pochi
    client.logout()
    entra(client, ufficio_b)
    html = client.get(url).content.decode()
    assert "Inviato da Imola" in html and "Inviato da Bologna" not in html
    progetto = ProgettoFactory(scuola=scuola_b, titolo="Appena inviato")
    progetto.stato = S.INVIATO
    progetto.save()
    assert "Appena inviato" in client.get(url).content.decode()
