import pytest
from django.urls import reverse

from alternanza.models import ValutazionePagina

pytestmark = pytest.mark.django_db


def test_home_spiega_la_rete_con_i_sette_distretti(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    testo = response.content.decode()
    for nome in ["Appennino Bolognese", "Imola", "Pianura Est", "Reno, Lavino e Samoggia"]:
        assert nome in testo
    assert 'id="contenuto"' in testo and "<main" in testo
    assert "Vai al contenuto principale" in testo


def test_home_in_inglese(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("nome", ["privacy", "accessibilita", "note_legali", "contatti"])
def test_pagine_istituzionali_mostrano_data_di_aggiornamento(client, nome):
    response = client.get(reverse(nome))
    assert response.status_code == 200
    assert "Ultimo aggiornamento" in response.content.decode()


def test_valutazione_anonima_viene_salvata_e_riporta_alla_pagina(client):
    response = client.post(reverse("valutazione"), {"pagina": "/contatti/", "voto": "4"})
    assert response.status_code == 302
    assert response["Location"] == "/contatti/"
    assert ValutazionePagina.objects.get().voto == 4


@pytest.mark.parametrize("voto", ["", "9", "abc"])
def test_valutazione_non_valida_non_salva_nulla(client, voto):
    response = client.post(reverse("valutazione"), {"pagina": "/contatti/", "voto": voto})
    assert response.status_code == 302
    assert not ValutazionePagina.objects.exists()


def test_valutazione_non_rimanda_fuori_dal_portale(client):
    response = client.post(reverse("valutazione"), {"pagina": "https://evil.example/", "voto": "3"})
    assert response["Location"] == "/"


def test_healthz_riporta_database_e_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_csp_rigorosa_senza_script_inline(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
