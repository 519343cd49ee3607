"""Public and reserved pages of the territory: districts, a district's comuni and schools, a school."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from distretti.models import Comune, Distretto, Livello, ScuolaNome
from tests.conftest import entra
from tests.distretti.factories import ScuolaFactory

pytestmark = pytest.mark.django_db

ELENCO = "/territorio/"


def scuole(n: int, comune: str = "Bologna", **valori):
    c = Comune.objects.get(nome=comune)
    return [ScuolaFactory(comune=c, **valori) for _ in range(n)]


def n_query(client, url: str) -> int:
    """Queries of an uncached rendering of the page."""
    cache.clear()
    with CaptureQueriesContext(connection) as q:
        assert client.get(url).status_code == 200
    return len(q)


# --- list of districts --------------------------------------------------------------------------------


def test_elenco_mostra_i_sette_distretti_con_comuni_e_scuole_attive(client):
    scuole(3, "Imola")
    scuole(2, "Bologna")
    scuole(1, "Bologna", attiva=False)

    risposta = client.get(ELENCO)

    assert risposta.status_code == 200
    distretti = {d.slug: d for d in risposta.context["distretti"]}
    assert len(distretti) == 7
    assert (distretti["imola"].n_comuni, distretti["imola"].n_scuole) == (10, 3)
    assert (distretti["bologna"].n_comuni, distretti["bologna"].n_scuole) == (1, 2)
    assert risposta.context["totale_comuni"] == 55
    assert risposta.context["totale_scuole"] == 5
    testo = risposta.content.decode()
    assert 'href="/territorio/distretti/imola/"' in testo
    assert "Reno, Lavino e Samoggia" in testo
    assert 'class="mappa-distretti"' in testo  # the schematic map
    assert "<table" in testo and "<caption>" in testo


def test_elenco_ha_la_data_di_ultimo_aggiornamento(client):
    ultima = scuole(1, "Imola")[0]
    risposta = client.get(ELENCO)
    assert risposta.context["ultimo_aggiornamento"] >= ultima.aggiornato_il


def test_elenco_con_numero_di_query_costante(client, django_assert_max_num_queries):
    poche = n_query(client, ELENCO)
    scuole(40, "Imola")
    scuole(40, "Bologna")
    with django_assert_max_num_queries(2):
        assert client.get(ELENCO).status_code == 200
    assert n_query(client, ELENCO) == poche


def test_elenco_in_inglese(client):
    assert client.get("/en" + ELENCO).status_code == 200


# --- district page ------------------------------------------------------------------------------------


def test_pagina_del_distretto_mostra_comuni_ufficio_tecnico_e_governance(client):
    imola = Distretto.objects.get(slug="imola")
    imola.ufficio_email = "ufficio.tecnico@nuovo-circondario-imolese.example.org"
    imola.ufficio_telefono = "0542 000000"
    imola.organi_governance = "Conferenza territoriale del Nuovo Circondario Imolese"
    imola.save()
    scuole(2, "Medicina")

    risposta = client.get(imola.get_absolute_url())

    testo = risposta.content.decode()
    assert "ufficio.tecnico@nuovo-circondario-imolese.example.org" in testo
    assert "0542 000000" in testo
    assert "Conferenza territoriale del Nuovo Circondario Imolese" in testo
    assert [c.nome for c in risposta.context["comuni"]][:3] == [
        "Borgo Tossignano",
        "Casalfiumanese",
        "Castel del Rio",
    ]
    assert len(risposta.context["comuni"]) == 10
    assert {c.nome: c.n_scuole for c in risposta.context["comuni"]}["Medicina"] == 2
    assert risposta.context["ultimo_aggiornamento"] is not None


def test_scuole_del_distretto_filtrate_per_grado_e_comune_con_url_salvabile(client):
    medicina = Comune.objects.get(nome="Medicina")
    scuole(2, "Medicina", livello=Livello.INFANZIA, denominazione="Infanzia di Medicina")
    scuole(1, "Medicina", livello=Livello.PRIMARIA)
    scuole(3, "Imola", livello=Livello.INFANZIA)
    scuole(4, "Bologna", livello=Livello.INFANZIA)  # another district

    url = f"/territorio/distretti/imola/?livello=infanzia&comune={medicina.pk}"
    risposta = client.get(url)

    trovate = list(risposta.context["pagina"].object_list)
    assert len(trovate) == 2
    assert {s.comune_id for s in trovate} == {medicina.pk}
    assert {s.livello for s in trovate} == {Livello.INFANZIA}
    assert client.get("/territorio/distretti/imola/?livello=infanzia").context["pagina"].paginator.count == 5
    assert client.get("/territorio/distretti/imola/").context["pagina"].paginator.count == 6
    testo = risposta.content.decode()
    assert f'<option value="{medicina.pk}" selected>Medicina</option>' in testo
    assert '<option value="infanzia" selected>' in testo


def test_scuole_filtrate_per_nome_e_tipo(client):
    scuole(1, "Imola", denominazione="Liceo Rambaldi Valeriani", statale=True)
    scuole(1, "Imola", denominazione="Scuola paritaria Santa Caterina", statale=False)

    assert [
        s.denominazione for s in client.get("/territorio/distretti/imola/?q=rambaldi").context["pagina"]
    ] == ["Liceo Rambaldi Valeriani"]
    assert [
        s.denominazione for s in client.get("/territorio/distretti/imola/?statale=0").context["pagina"]
    ] == ["Scuola paritaria Santa Caterina"]


def test_scuole_paginate_e_i_link_di_pagina_tengono_i_filtri(client):
    scuole(30, "Imola", livello=Livello.PRIMARIA)

    risposta = client.get("/territorio/distretti/imola/?livello=primaria")

    pagina = risposta.context["pagina"]
    assert (pagina.paginator.num_pages, len(pagina.object_list)) == (2, 25)
    assert 'href="?livello=primaria&amp;pagina=2#scuole"' in risposta.content.decode()
    assert len(client.get("/territorio/distretti/imola/?livello=primaria&pagina=2").context["pagina"]) == 5


def test_pagina_del_distretto_con_numero_di_query_costante(client, django_assert_max_num_queries):
    url = "/territorio/distretti/imola/?livello=primaria&pagina=1"
    scuole(1, "Imola", livello=Livello.PRIMARIA)
    poche = n_query(client, url)
    scuole(60, "Imola", livello=Livello.PRIMARIA)
    scuole(20, "Dozza", livello=Livello.INFANZIA)
    # + one query for each section of the higher apps (partnership, projects, events: alternanza.core.sezioni)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
    assert n_query(client, url) == poche


def test_pagina_del_distretto_riservata_con_numero_di_query_costante(client, ufficio_b):
    entra(client, ufficio_b)
    url = "/territorio/distretti/imola/"
    scuole(1, "Imola")
    client.get(url)  # the first request of a session records it (accounts area): not part of the page
    poche = n_query(client, url)
    scuole(60, "Imola", attiva=False)
    assert n_query(client, url) == poche


def test_il_pubblico_non_vede_le_scuole_non_piu_attive(client):
    scuole(1, "Imola", denominazione="Scuola attiva")
    scuole(1, "Imola", denominazione="Scuola chiusa", attiva=False)

    risposta = client.get("/territorio/distretti/imola/")

    assert [s.denominazione for s in risposta.context["pagina"]] == ["Scuola attiva"]
    assert risposta.context["riservato"] is False
    assert "Anno anagrafe" not in risposta.content.decode()
    assert client.get("/territorio/distretti/imola/?attiva=0").context["pagina"].paginator.count == 1


def test_ufficio_del_distretto_e_staff_vedono_le_scuole_non_piu_attive(client, ufficio_b, staff):
    scuole(1, "Imola", denominazione="Scuola attiva")
    scuole(1, "Imola", denominazione="Scuola chiusa", attiva=False)

    for persona in (ufficio_b, staff):
        risposta = entra(client, persona).get("/territorio/distretti/imola/")
        assert risposta.context["riservato"] is True
        assert {s.denominazione for s in risposta.context["pagina"]} == {"Scuola attiva", "Scuola chiusa"}
        assert "Anno anagrafe" in risposta.content.decode()
        chiuse = entra(client, persona).get("/territorio/distretti/imola/?attiva=0").context["pagina"]
        assert [s.denominazione for s in chiuse] == ["Scuola chiusa"]


def test_ufficio_di_un_altro_distretto_vede_solo_i_dati_pubblici(client, ufficio_a):
    scuole(1, "Imola", attiva=False)
    risposta = entra(client, ufficio_a).get("/territorio/distretti/imola/")
    assert risposta.context["riservato"] is False
    assert risposta.context["pagina"].paginator.count == 0


def test_distretto_inesistente_404(client):
    assert client.get("/territorio/distretti/atlantide/").status_code == 404


# --- school page --------------------------------------------------------------------------------------


def test_pagina_della_scuola_con_dati_pubblici_e_contatti(client):
    (scuola,) = scuole(
        1,
        "Imola",
        denominazione="Istituto Paolini Cassiano",
        email="segreteria@paolini.example.org",
        pec="bois00001@pec.istruzione.it",
        sito_web="www.paolini.example.org",
        codice_istituto_riferimento="BOIS000001",
        denominazione_istituto_riferimento="IIS PAOLINI",
    )
    ScuolaNome.objects.create(scuola=scuola, anno_anagrafe=202223, denominazione="Vecchio nome segreto")

    risposta = client.get(scuola.get_absolute_url())

    testo = risposta.content.decode()
    assert "Istituto Paolini Cassiano" in testo
    assert 'href="mailto:segreteria@paolini.example.org"' in testo
    assert "bois00001@pec.istruzione.it" in testo
    assert 'href="https://www.paolini.example.org"' in testo
    assert "IIS PAOLINI" in testo
    assert 'href="/territorio/distretti/imola/"' in testo
    assert "Vecchio nome segreto" not in testo  # history of names: not public
    assert risposta.context["ultimo_aggiornamento"] == scuola.aggiornato_il


def test_storico_dei_nomi_visibile_all_ufficio_del_distretto(client, ufficio_b):
    (scuola,) = scuole(1, "Imola")
    ScuolaNome.objects.create(scuola=scuola, anno_anagrafe=202223, denominazione="Vecchio nome")

    testo = entra(client, ufficio_b).get(scuola.get_absolute_url()).content.decode()

    assert "Vecchio nome" in testo
    assert "202324" in testo  # registry year


def test_scuola_non_piu_attiva_404_per_il_pubblico_ma_visibile_all_ufficio(client, ufficio_a, ufficio_b):
    (scuola,) = scuole(1, "Imola", attiva=False)

    assert client.get(scuola.get_absolute_url()).status_code == 404
    assert entra(client, ufficio_a).get(scuola.get_absolute_url()).status_code == 404
    assert entra(client, ufficio_b).get(scuola.get_absolute_url()).status_code == 200


def test_sito_web_non_http_non_diventa_un_link(client):
    (scuola,) = scuole(1, "Imola", sito_web="javascript:alert(1)")
    testo = client.get(scuola.get_absolute_url()).content.decode()
    assert "javascript:alert(1)" in testo
    assert 'href="javascript' not in testo
    assert 'href="https://javascript' not in testo
    (scuola,) = scuole(1, "Imola", sito_web="HTTP://www.scuola.example.org/home")
    assert (
        'href="HTTP://www.scuola.example.org/home"' in client.get(scuola.get_absolute_url()).content.decode()
    )


def test_scuola_dimostrativa_segnalata(client):
    (scuola,) = scuole(1, "Imola", demo=True)
    testo = client.get(scuola.get_absolute_url()).content.decode()
    assert "Dato dimostrativo." in testo and "segnaposto inventato" in testo


# --- sections added by higher apps, links, levels -----------------------------------------------------


def test_sezione_registrata_da_un_altra_app_compare_nella_pagina_del_distretto(
    client, settings, tmp_path, monkeypatch
):
    from alternanza.core import sezioni
    from alternanza.core.sezioni import Sezione, registra_sezione

    # The test's section goes into a copy of the registry, dropped when the test ends.
    monkeypatch.setattr(sezioni, "_REGISTRO", list(sezioni._REGISTRO))
    monkeypatch.setattr(sezioni, "_AREE", list(sezioni._AREE))

    cartella = tmp_path / "templates"
    (cartella / "prova").mkdir(parents=True)
    (cartella / "prova" / "_sezione.html").write_text("<p>Progetti di {{ distretto.nome }}: {{ dati.n }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [cartella, *settings.TEMPLATES[0]["DIRS"]]}]

    def progetti(request, distretto):
        if distretto.slug != "imola":
            return None
        return Sezione("Progetti del distretto", "prova/_sezione.html", {"n": 7})

    registra_sezione(progetti)
    testo = client.get("/territorio/distretti/imola/").content.decode()
    altro = client.get("/territorio/distretti/bologna/").content.decode()

    assert "Progetti del distretto" in testo and "<p>Progetti di Imola: 7</p>" in testo
    assert "Progetti del distretto" not in altro


def test_solo_lo_staff_vede_il_link_all_importazione(client, staff, ufficio_a):
    assert "/territorio/importa-anagrafe/" not in client.get(ELENCO).content.decode()
    assert "/territorio/importa-anagrafe/" not in entra(client, ufficio_a).get(ELENCO).content.decode()
    assert "/territorio/importa-anagrafe/" in entra(client, staff).get(ELENCO).content.decode()


@pytest.mark.parametrize(
    "tipologia, livello",
    [
        ("SCUOLA INFANZIA NON STATALE", Livello.INFANZIA),
        ("SCUOLA PRIMARIA NON STATALE", Livello.PRIMARIA),
        ("SCUOLA SEC. PRIMO GRADO NON STATALE", Livello.PRIMO_GRADO),
        ("SCUOLA PRIMO GRADO", Livello.PRIMO_GRADO),
        ("SCUOLA SPEC. PRIMO GRADO", Livello.PRIMO_GRADO),
        ("SCUOLA SEC. SECONDO GRADO NON STATALE", Livello.SECONDO_GRADO),
        ("ISTITUTO COMPRENSIVO", Livello.COMPRENSIVO),
        ("ISTITUTO OMNICOMPRENSIVO", Livello.COMPRENSIVO),
        ("CIRCOLO DIDATTICO", Livello.PRIMARIA),
        ("LICEO SCIENTIFICO", Livello.SECONDO_GRADO),
        ("ISTITUTO TECNICO INDUSTRIALE", Livello.SECONDO_GRADO),
        ("IST PROF INDUSTRIA E ARTIGIANATO", Livello.SECONDO_GRADO),
        ("ISTITUTO SUPERIORE", Livello.SECONDO_GRADO),
        ("ISTITUTO MAGISTRALE", Livello.SECONDO_GRADO),
        ("CENTRO TERRITORIALE", Livello.ALTRO),
        ("CONVITTO NAZIONALE", Livello.ALTRO),
    ],
)
def test_livello_dalla_tipologia_dell_anagrafe(tipologia, livello):
    assert Livello.da_tipologia(tipologia) == livello


def test_pagine_del_territorio_tradotte_in_inglese(client):
    (scuola,) = scuole(1, "Imola")
    assert "The districts of the Metropolitan City" in client.get("/en" + ELENCO).content.decode()
    testo = client.get("/en/territorio/distretti/imola/").content.decode()
    assert "Imola district" in testo and "Technical office" in testo
    assert (
        "Registry data"
        in client.get(f"/en/territorio/scuole/{scuola.codice_meccanografico}/").content.decode()
    )


def test_visibili_a_scuole_attive_per_tutti_e_non_attive_per_il_proprio_ufficio(ufficio_a, ufficio_b, staff):
    from django.contrib.auth.models import AnonymousUser

    from distretti.models import Scuola

    (attiva,) = scuole(1, "Imola")
    (chiusa_imola,) = scuole(1, "Imola", attiva=False)
    (chiusa_bologna,) = scuole(1, "Bologna", attiva=False)

    def visibili(utente):
        return set(
            Scuola.objects.visibili_a(utente).filter(pk__in=[attiva.pk, chiusa_imola.pk, chiusa_bologna.pk])
        )

    assert visibili(AnonymousUser()) == {attiva}
    assert visibili(ufficio_b) == {attiva, chiusa_imola}
    assert visibili(ufficio_a) == {attiva, chiusa_bologna}
    assert visibili(staff) == {attiva, chiusa_imola, chiusa_bologna}


# --- cache of the public pages ------------------------------------------------------------------------


def test_pagine_pubbliche_servite_dalla_cache(client, django_assert_max_num_queries):
    scuole(3, "Imola")
    client.get(ELENCO)
    client.get("/territorio/distretti/imola/?livello=primaria")

    with django_assert_max_num_queries(0):
        assert "Imola" in client.get(ELENCO).content.decode()
    with django_assert_max_num_queries(1):  # the district itself (404 and the page header)
        risposta = client.get("/territorio/distretti/imola/?livello=primaria")
    assert "3 scuole trovate." in risposta.content.decode()


def test_una_scuola_modificata_rende_superata_la_cache(client):
    (scuola,) = scuole(1, "Imola", denominazione="Nome vecchio")
    assert "Nome vecchio" in client.get("/territorio/distretti/imola/").content.decode()

    scuola.denominazione = "Nome nuovo"
    scuola.save()

    testo = client.get("/territorio/distretti/imola/").content.decode()
    assert "Nome nuovo" in testo and "Nome vecchio" not in testo


def test_l_importazione_dell_anagrafe_rende_superata_la_cache(client, django_capture_on_commit_callbacks):
    from distretti.importazione import importa_anagrafe
    from tests.distretti.factories import csv_anagrafe, riga

    assert client.get(ELENCO).context["totale_scuole"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        importa_anagrafe([("a.csv", csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B")]))])

    assert "BO1A00001A" in client.get("/territorio/distretti/bologna/").content.decode()
    assert client.get(ELENCO).context["totale_scuole"] == 2


def test_la_cache_pubblica_non_arriva_all_ufficio_e_viceversa(client, ufficio_b):
    scuole(1, "Imola", denominazione="Scuola chiusa", attiva=False)
    assert "Scuola chiusa" not in client.get("/territorio/distretti/imola/").content.decode()

    assert "Scuola chiusa" in entra(client, ufficio_b).get("/territorio/distretti/imola/").content.decode()
    assert "Scuola chiusa" not in entra(client, None).get("/territorio/distretti/imola/").content.decode()


def test_la_pagina_in_cache_tiene_il_posto_del_token_csrf_di_ogni_visitatore(client, monkeypatch):
    import alternanza.core.cache

    salvati = []
    originale = alternanza.core.cache.cache.set

    def registra(chiave, valore, *args, **kwargs):
        salvati.append(valore)
        return originale(chiave, valore, *args, **kwargs)

    monkeypatch.setattr(alternanza.core.cache.cache, "set", registra)
    scuole(1, "Imola")

    client.get(ELENCO)
    client.get("/territorio/distretti/imola/")

    # Entries of whole pages: (versions, body, headers).
    intere = [v[1] for v in salvati if isinstance(v, tuple) and isinstance(v[1], bytes)]
    assert len(intere) == 2
    # Whole pages keep a placeholder where the token goes; each visitor gets their own on the way out.
    assert all(b'name="csrfmiddlewaretoken" value="@@csrf-pagina@@"' in html for html in intere)
    primo, secondo = client.get(ELENCO), Client().get(ELENCO)
    assert "@@csrf" not in primo.content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(primo.content.decode()) and token.search(secondo.content.decode())
    assert secondo.cookies["csrftoken"].value != client.cookies["csrftoken"].value  # one secret each
