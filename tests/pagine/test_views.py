import pytest
from django.urls import reverse

from alternanza.pagine.models import ValutazionePagina

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
    testo = response.content.decode()
    assert '<html lang="en">' in testo
    assert "How the network works" in testo and "Skip to main content" in testo
    assert "Accessibility statement" in testo and "How clear is the information on this page?" in testo


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
    corpo = response.json()
    assert {k: corpo[k] for k in ("status", "database", "redis")} == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }


def test_csp_rigorosa_senza_script_inline(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


# --- Whole-page cache of the public pages (alternanza/core/cache.py) -------------------------------


def _vista_contata(intestazioni: dict | None = None):
    """A public view cached under the area "prova", counting how many times it really runs."""
    from django.http import HttpResponse

    from alternanza.core.cache import pagina_pubblica_in_cache

    chiamate = []

    @pagina_pubblica_in_cache("prova")
    def vista(request):
        chiamate.append(request.path)
        risposta = HttpResponse(f"corpo {len(chiamate)}", headers=intestazioni)
        risposta.set_cookie("traccia", "di chi ha riempito la cache")
        return risposta

    return vista, chiamate


def _richiesta_anonima(rf):
    from django.contrib.auth.models import AnonymousUser

    richiesta = rf.get("/prova/")
    richiesta.user = AnonymousUser()
    return richiesta


def test_un_rilascio_di_solo_codice_ha_chiavi_nuove(rf, settings):
    vista, chiamate = _vista_contata()
    settings.RELEASE = "1.0.0"
    assert vista(_richiesta_anonima(rf)).content == b"corpo 1"
    assert vista(_richiesta_anonima(rf)).content == b"corpo 1"  # from the cache
    settings.RELEASE = "1.0.1"  # same templates and static files, other code
    assert vista(_richiesta_anonima(rf)).content == b"corpo 2"
    assert len(chiamate) == 2


def test_il_rilascio_predefinito_e_la_versione_installata():
    import importlib.metadata

    from django.conf import settings

    assert settings.RELEASE.startswith(importlib.metadata.version("rete-alternanza"))


def test_le_intestazioni_della_vista_tornano_con_la_pagina_in_cache(rf):
    intestazioni = {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="eventi.ics"',
        "Cache-Control": "public, max-age=0, must-revalidate",
        "Link": '</static/x.css>; rel="preload"',
        "X-Robots-Tag": "noindex",
    }
    vista, chiamate = _vista_contata(intestazioni)
    prima = vista(_richiesta_anonima(rf))
    seconda = vista(_richiesta_anonima(rf))
    assert len(chiamate) == 1 and seconda.content == prima.content
    assert {nome: seconda[nome] for nome in intestazioni} == intestazioni
    assert "traccia" in prima.cookies and not seconda.cookies  # cookies are never replayed


def test_home_anonima_servita_dalla_cache_senza_query(client, django_assert_num_queries):
    client.get(reverse("home"))
    with django_assert_num_queries(0):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Imola" in response.content.decode()


def test_home_in_cache_separata_per_lingua(client):
    assert '<html lang="it">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/en/").content.decode()
    assert '<html lang="it">' in client.get("/").content.decode()


def test_modifica_di_un_distretto_invalida_la_home(client):
    from distretti.models import Distretto

    client.get(reverse("home"))
    distretto = Distretto.objects.get(slug="imola")
    distretto.nome = "Circondario imolese rinominato"
    distretto.save()
    assert "Circondario imolese rinominato" in client.get(reverse("home")).content.decode()


def test_utente_autenticato_non_riceve_la_pagina_anonima(client, django_user_model):
    client.get(reverse("home"))  # fills the cache with the anonymous page
    utente = django_user_model.objects.create_user(username="u", email="u@example.org", password="x" * 12)
    client.force_login(utente)
    testo = client.get(reverse("home")).content.decode()
    assert "Esci" in testo and "Accedi" not in testo


def test_ogni_visitatore_riceve_il_proprio_token_csrf_dalla_pagina_in_cache():
    import re

    from django.test import Client

    Client().get(reverse("privacy"))  # another visitor fills the cache
    visitatore = Client(enforce_csrf_checks=True)
    pagina = visitatore.get(reverse("privacy"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina.content.decode()).group(1)
    assert "@@" not in token
    risposta = visitatore.post(
        reverse("valutazione"), {"csrfmiddlewaretoken": token, "pagina": "/privacy/", "voto": "5"}
    )
    assert risposta.status_code == 302
    assert ValutazionePagina.objects.filter(pagina="/privacy/", voto=5).exists()


def test_dopo_la_valutazione_il_messaggio_di_ringraziamento_non_viene_dalla_cache(client):
    client.get(reverse("privacy"))
    risposta = client.post(reverse("valutazione"), {"pagina": "/privacy/", "voto": "4"}, follow=True)
    assert "Grazie" in risposta.content.decode()
    assert "Grazie" not in client.get(reverse("privacy")).content.decode()


# --- Error pages ------------------------------------------------------------------------------------
# Django picks 400/403/404/500.html from the first template directory that has them: bootstrap_italia's
# own (an app further down) reference static files this portal does not ship, so with the manifest
# storage of production they would themselves crash. Ours come first and use only shipped files.


def _origine(nome: str) -> str:
    from django.template.loader import get_template

    return str(get_template(nome).origin.name)


@pytest.mark.parametrize("nome", ["400.html", "403.html", "404.html", "500.html"])
def test_le_pagine_di_errore_sono_quelle_del_portale_e_usano_solo_file_statici_esistenti(nome):
    import re
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    origine = Path(_origine(nome))
    assert origine.is_relative_to(settings.BASE_DIR / "templates"), origine
    for modello in (origine, settings.BASE_DIR / "templates" / "base.html"):
        for percorso in re.findall(r"{% static '([^']+)' %}", modello.read_text()):
            assert finders.find(percorso), f"{modello.name}: {percorso} is not a shipped static file"


def test_pagina_non_trovata_nel_layout_del_portale(client):
    risposta = client.get("/questa-pagina-non-esiste/")
    assert risposta.status_code == 404
    testo = risposta.content.decode()
    assert "Pagina non trovata" in testo and 'id="contenuto"' in testo
    assert reverse("contatti") in testo
    inglese = client.get("/en/this-page-does-not-exist/").content.decode()
    assert "Page not found" in inglese


def test_errore_del_server_senza_database_ne_sessione(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        risposta = server_error(rf.get("/"))
    assert risposta.status_code == 500
    assert "Errore del server" in risposta.content.decode()
