"""Performance of the projects area: ranked search results shared from the cache (and refreshed by any
write), the review queue counted from the cached statistics, the showcase filters' HTML from the cache."""

import pytest
from django.urls import reverse

from alternanza.progetti.models import Progetto, StatoProgetto
from distretti.models import AmbitoTematico
from tests.conftest import entra
from tests.factories_progetti import ProgettoFactory, ProgettoPubblicatoFactory, titoli_schede

S = StatoProgetto
pytestmark = pytest.mark.django_db
URL = "/progetti/"


def test_la_ricerca_di_un_utente_autenticato_riusa_la_classifica_senza_ricalcolarla(
    client, django_assert_max_num_queries, referente_a, scuola_a
):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Officina meccanica", descrizione="Torni")
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Museo", descrizione="Un reparto meccanico")
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Orto", descrizione="Serre e piante")
    entra(client, referente_a)
    prima = client.get(URL, {"q": "meccanica"})
    # session, user, roles: the ranking, the count and the cards all come from the cache
    with django_assert_max_num_queries(3) as catturate:
        dopo = client.get(URL, {"q": "meccanica"})
    assert not [q for q in catturate.captured_queries if "ts_rank" in q["sql"] or "COUNT(" in q["sql"]]
    assert titoli_schede(prima) == titoli_schede(dopo) == ["Officina meccanica", "Museo"]
    assert dopo.context["pagina"].paginator.count == 2


def test_la_classifica_in_cache_si_aggiorna_a_ogni_modifica_anche_fuori_dalle_viste(
    client, referente_a, scuola_a
):
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
    assert "Officina meccanica" not in risposta.content.decode()  # the cached cards were refreshed too


def test_le_schede_in_cache_seguono_la_lingua_e_il_nome_della_scuola(client, referente_a, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Officina meccanica")
    entra(client, referente_a)
    assert scuola_a.denominazione in client.get(URL, {"q": "meccanica"}).content.decode()
    assert "/en/progetti/" in client.get("/en" + URL, {"q": "meccanica"}).content.decode()
    scuola_a.denominazione = "Istituto rinominato"
    scuola_a.save()
    assert "Istituto rinominato" in client.get(URL, {"q": "meccanica"}).content.decode()


def test_la_classifica_in_cache_segue_gli_ambiti_tematici_aggiunti(client, referente_a, scuola_a):
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Laboratorio")
    entra(client, referente_a)
    assert titoli_schede(client.get(URL, {"ambito": ambito.slug})) == []
    progetto.ambiti.add(ambito)
    assert titoli_schede(client.get(URL, {"ambito": ambito.slug})) == ["Laboratorio"]


def test_i_filtri_in_cache_mostrano_la_scelta_di_ogni_indirizzo(client, referente_a):
    entra(client, referente_a)
    for _ in range(2):
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


def test_la_bacheca_del_referente_viene_dalla_cache_solo_per_chi_ha_le_stesse_scuole(
    client, django_assert_max_num_queries, referente_a, referente_b, scuola_a, scuola_b
):
    ProgettoFactory(scuola=scuola_a, titolo="Progetto della scuola A")
    ProgettoFactory(scuola=scuola_b, titolo="Progetto della scuola B")
    url = reverse("progetti:miei")
    entra(client, referente_a)
    assert "Progetto della scuola A" in client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # session, user, roles: the body comes from the cache
        html = client.get(url).content.decode()
    assert "Progetto della scuola A" in html and "Progetto della scuola B" not in html
    client.logout()
    entra(client, referente_b)
    html = client.get(url).content.decode()
    assert "Progetto della scuola B" in html and "Progetto della scuola A" not in html
    # Any write, even outside the views, shows at once.
    ProgettoFactory(scuola=scuola_b, titolo="Nuovo progetto della scuola B")
    assert "Nuovo progetto della scuola B" in client.get(url).content.decode()


def test_la_coda_in_cache_e_per_distretto_e_segue_ogni_invio(
    client, django_assert_max_num_queries, ufficio_a, ufficio_b, scuola_a, scuola_b
):
    ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo="Inviato da Bologna")
    ProgettoFactory(scuola=scuola_b, stato=S.INVIATO, titolo="Inviato da Imola")
    url = reverse("progetti:revisione")
    entra(client, ufficio_a)
    assert "Inviato da Bologna" in client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # session, user, roles
        html = client.get(url).content.decode()
    assert "Inviato da Bologna" in html and "Inviato da Imola" not in html
    client.logout()
    entra(client, ufficio_b)
    html = client.get(url).content.decode()
    assert "Inviato da Imola" in html and "Inviato da Bologna" not in html
    progetto = ProgettoFactory(scuola=scuola_b, titolo="Appena inviato")
    progetto.stato = S.INVIATO
    progetto.save()
    assert "Appena inviato" in client.get(url).content.decode()
