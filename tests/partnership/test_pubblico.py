"""District office lists (filters, sorting, exports, constant queries) and the public directory."""

import csv
import datetime
import io

import pytest
from django.db.models import Q
from django.urls import reverse
from openpyxl import load_workbook

from distretti.models import AmbitoTematico
from partnership.models import Organizzazione, Partnership
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, comune
from tests.partnership.factories import AccordoFactory, PartnershipFactory, area_s3


def _nomi(risposta):
    return [o.nome for o in risposta.context["page_obj"]]


@pytest.fixture
def rete(db, distretto_a, distretto_b, scuola_a, scuola_b):
    """A small network over districts A (Bologna) and B (Imola)."""
    mech, health = area_s3("mech"), area_s3("health")
    officina = OrganizzazioneFactory(
        nome="Officina Meccanica Bolognese", comune=comune("Bologna"), codice_ateco="25.62.00", pubblica=False
    )
    officina.aree_s3.add(mech)
    coop = OrganizzazioneFactory(
        nome="Cooperativa Salute Casalecchio",
        comune=comune("Casalecchio di Reno"),
        tipo=Organizzazione.Tipo.TERZO_SETTORE,
    )
    coop.aree_s3.add(health)
    ceramica = OrganizzazioneFactory(nome="Ceramica Imolese", comune=comune("Imola"), codice_ateco="23.41.00")
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    p_a = PartnershipFactory(
        titolo="Cultura tecnica a Bologna",
        distretti=[distretto_a],
        organizzazioni=[officina],
        ambiti=[ambito],
    )
    p_inter = PartnershipFactory(
        titolo="Ponte Bologna–Imola",
        livello=Partnership.Livello.INTERDISTRETTUALE,
        distretti=[distretto_a, distretto_b],
        organizzazioni=[ceramica],
        stato=Partnership.Stato.PROPOSTA,
        data_inizio=datetime.date(2027, 1, 1),
        data_fine=datetime.date(2027, 6, 30),
    )
    p_b = PartnershipFactory(titolo="Solo Imola", distretti=[distretto_b], pubblicata=True)
    return {
        "officina": officina,
        "coop": coop,
        "ceramica": ceramica,
        "p_a": p_a,
        "p_inter": p_inter,
        "p_b": p_b,
    }


URL_ORG = "/rete/ufficio/organizzazioni/"
URL_PART = "/rete/ufficio/partnership/"


@pytest.mark.django_db
def test_ufficio_vede_solo_organizzazioni_del_suo_distretto_e_delle_sue_partnership(client, ufficio_a, rete):
    entra(client, ufficio_a)
    nomi = _nomi(client.get(URL_ORG))
    # Casalecchio is in district Reno Lavino Samoggia, not Bologna: not listed.
    assert "Cooperativa Salute Casalecchio" not in nomi
    assert "Officina Meccanica Bolognese" in nomi
    # Ceramica Imolese is in Imola but takes part in an inter-district partnership with Bologna.
    assert "Ceramica Imolese" in nomi


@pytest.mark.django_db
def test_partnership_interdistrettuale_visibile_a_ogni_distretto_coinvolto(
    client, ufficio_a, ufficio_b, rete
):
    entra(client, ufficio_a)
    titoli_a = {p.titolo for p in client.get(URL_PART).context["page_obj"]}
    entra(client, ufficio_b)
    titoli_b = {p.titolo for p in client.get(URL_PART).context["page_obj"]}
    assert titoli_a == {"Cultura tecnica a Bologna", "Ponte Bologna–Imola"}
    assert titoli_b == {"Solo Imola", "Ponte Bologna–Imola"}
    assert client.get(rete["p_inter"].get_absolute_url()).status_code == 200
    assert client.get(rete["p_a"].get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_filtri_delle_organizzazioni(client, staff, rete):
    entra(client, staff)
    assert _nomi(client.get(URL_ORG, {"area_s3": area_s3("mech").pk})) == ["Officina Meccanica Bolognese"]
    assert _nomi(
        client.get(URL_ORG, {"sezione_ateco": "C", "distretto": rete["ceramica"].comune.distretto_id})
    ) == ["Ceramica Imolese"]
    assert _nomi(client.get(URL_ORG, {"tipo": "terzo_settore"})) == ["Cooperativa Salute Casalecchio"]
    assert _nomi(client.get(URL_ORG, {"comune": comune("Imola").pk})) == ["Ceramica Imolese"]
    assert _nomi(client.get(URL_ORG, {"q": "meccanica"})) == ["Officina Meccanica Bolognese"]
    ambito = rete["p_a"].ambiti.get()
    assert _nomi(client.get(URL_ORG, {"ambito": ambito.pk})) == ["Officina Meccanica Bolognese"]


@pytest.mark.django_db
def test_ricerca_dell_ufficio_per_partita_iva_o_codice_ateco(client, staff, rete):
    rete["ceramica"].codice_fiscale = "01234567890"
    rete["ceramica"].save()
    entra(client, staff)
    # The tax code as people type it (spaces, the IT prefix), or the start of the ATECO code.
    assert _nomi(client.get(URL_ORG, {"q": "IT 012 3456 7890"})) == ["Ceramica Imolese"]
    assert _nomi(client.get(URL_ORG, {"q": "25.62"})) == ["Officina Meccanica Bolognese"]
    assert _nomi(client.get(URL_ORG, {"q": "23"})) == ["Ceramica Imolese"]
    assert _nomi(client.get(URL_ORG, {"q": "Ceramica"})) == ["Ceramica Imolese"]


def test_una_parola_non_cerca_tra_i_codici(db):
    # Only a text shaped as a code adds the codes to the search's OR: an ATECO prefix has no index, and
    # in the OR it made PostgreSQL read every organisation to compute its trigram match.
    from partnership.filters import condizione_codici

    assert condizione_codici("officine") is None
    assert condizione_codici("Coppola srl") is None
    assert str(condizione_codici("IT01234567890")) == str(Q(codice_fiscale="01234567890"))
    assert str(condizione_codici("25.62")) == str(Q(codice_ateco__startswith="25.62"))


def test_filtri_delle_partnership_per_periodo_stato_livello_e_ambito(client, staff, rete):
    entra(client, staff)

    def titoli(**get):
        return {p.titolo for p in client.get(URL_PART, get).context["page_obj"]}

    assert titoli(dal="2027-01-01") == {"Ponte Bologna–Imola"}
    assert titoli(al="2026-12-31") == {"Cultura tecnica a Bologna", "Solo Imola"}
    assert titoli(stato="proposta") == {"Ponte Bologna–Imola"}
    assert titoli(livello="interdistrettuale") == {"Ponte Bologna–Imola"}
    assert titoli(ambito=rete["p_a"].ambiti.get().pk) == {"Cultura tecnica a Bologna"}
    assert titoli(area_s3=area_s3("mech").pk) == {"Cultura tecnica a Bologna"}
    assert titoli(comune=comune("Imola").pk) == {"Ponte Bologna–Imola"}


@pytest.mark.django_db
def test_ordinamento_e_filtri_nell_indirizzo(client, staff, rete):
    entra(client, staff)
    crescente = _nomi(client.get(URL_ORG, {"ordina": "nome"}))
    decrescente = _nomi(client.get(URL_ORG, {"ordina": "-nome"}))
    assert crescente == sorted(crescente) and decrescente == list(reversed(crescente))
    html = client.get(URL_ORG, {"tipo": "impresa"}).content.decode()
    # Sort and export links keep the current filters (bookmarkable URLs).
    assert "tipo=impresa&amp;ordina=nome" in html
    assert "export.csv?tipo=impresa" in html


@pytest.mark.django_db
def test_filtro_non_valido_non_rompe_la_pagina(client, staff, rete):
    entra(client, staff)
    assert client.get(URL_ORG, {"comune": "abc", "dal": "ieri", "ordina": "password"}).status_code == 200


@pytest.mark.django_db
def test_esportazione_csv_rispetta_i_filtri(client, ufficio_a, rete):
    entra(client, ufficio_a)
    risposta = client.get("/rete/ufficio/organizzazioni/export.csv", {"area_s3": area_s3("mech").pk})
    assert risposta["Content-Type"].startswith("text/csv")
    testo = b"".join(risposta.streaming_content).decode("utf-8-sig")
    righe = list(csv.reader(io.StringIO(testo), delimiter=";"))
    assert righe[0][0] == "Nome"
    assert [r[0] for r in righe[1:]] == ["Officina Meccanica Bolognese"]
    assert righe[1][righe[0].index("Aree S3")] == "Clust-ER Mech"
    assert righe[1][righe[0].index("Sezione ATECO")] == "C"


@pytest.mark.django_db
def test_esportazione_xlsx_si_riapre_con_openpyxl(client, ufficio_b, rete):
    entra(client, ufficio_b)
    risposta = client.get("/rete/ufficio/partnership/export.xlsx")
    assert risposta.status_code == 200
    libro = load_workbook(io.BytesIO(b"".join(risposta.streaming_content)), read_only=True)
    righe = list(libro.active.iter_rows(values_only=True))
    assert righe[0][:3] == ("Titolo", "Livello", "Distretti")
    titoli = {r[0] for r in righe[1:]}
    assert titoli == {"Solo Imola", "Ponte Bologna–Imola"}
    ponte = next(r for r in righe[1:] if r[0] == "Ponte Bologna–Imola")
    assert ponte[2] == "Bologna, Imola"


@pytest.mark.django_db
def test_esportazione_neutralizza_formule(client, staff, db):
    OrganizzazioneFactory(nome='=HYPERLINK("http://x")', comune=comune("Bologna"))
    entra(client, staff)
    testo = b"".join(client.get("/rete/ufficio/organizzazioni/export.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in testo


@pytest.mark.django_db
def test_formato_di_esportazione_sconosciuto_404(client, staff):
    entra(client, staff)
    assert client.get("/rete/ufficio/organizzazioni/export.pdf").status_code == 404


@pytest.mark.django_db
def test_esportazione_accordi(client, ufficio_a, distretto_a, distretto_b):
    AccordoFactory(titolo="Protocollo Bologna", distretti=[distretto_a])
    AccordoFactory(titolo="Protocollo Imola", distretti=[distretto_b])
    entra(client, ufficio_a)
    testo = b"".join(client.get("/rete/ufficio/accordi/export.csv").streaming_content).decode("utf-8-sig")
    assert "Protocollo Bologna" in testo and "Protocollo Imola" not in testo
    # The CM–Unioni–Comuni agreement of the seed involves every district.
    assert "Unioni" in testo


def _crea_rete(n, distretto_a):
    mech = area_s3("mech")
    orgs = [OrganizzazioneFactory(comune=comune("Bologna"), codice_ateco="25.62.00") for _ in range(n)]
    for o in orgs:
        o.aree_s3.add(mech)
    for i in range(n):
        PartnershipFactory(
            distretti=[distretto_a], organizzazioni=[orgs[i]], ambiti=[AmbitoTematico.objects.first()]
        )
        AccordoFactory(distretti=[distretto_a], organizzazioni=[orgs[i]])


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL_ORG, URL_PART, "/rete/ufficio/accordi/"])
def test_elenchi_ufficio_con_numero_di_query_costante(
    url, client, ufficio_a, distretto_a, django_assert_num_queries
):
    entra(client, ufficio_a)
    _crea_rete(3, distretto_a)
    client.get(url)  # warm-up: session, MFA and per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campo = "nome" if url == URL_ORG else "titolo"
    # Two different query strings: the filter form is cached per query string, the list never is.
    with CaptureQueriesContext(connection) as piccolo:
        assert client.get(url, {"ordina": campo}).status_code == 200
    _crea_rete(30, distretto_a)
    with django_assert_num_queries(len(piccolo)):
        risposta = client.get(url, {"ordina": f"-{campo}"})
    assert len(risposta.context["page_obj"]) == 25


@pytest.mark.django_db
def test_directory_pubblica_con_numero_di_query_costante(client, django_assert_num_queries, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mech = area_s3("mech")
    for _ in range(3):
        OrganizzazioneFactory(pubblica=True).aree_s3.add(mech)
    with CaptureQueriesContext(connection) as piccolo:
        client.get("/rete/", {"q": "officine"})
    for _ in range(40):
        OrganizzazioneFactory(pubblica=True).aree_s3.add(mech)
    with django_assert_num_queries(len(piccolo)):
        client.get("/rete/", {"q": "prova"})


@pytest.mark.django_db
def test_directory_pubblica_mostra_solo_chi_ha_acconsentito(client, rete):
    html = client.get("/rete/").content.decode()
    assert "Cooperativa Salute Casalecchio" in html
    assert "Officina Meccanica Bolognese" not in html  # pubblica=False
    assert "Camera di Commercio" in html  # institutional partners of the seed
    assert client.get(rete["officina"].get_absolute_url()).status_code == 404
    assert client.get(rete["coop"].get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_directory_pubblica_in_cache_per_i_visitatori_e_aggiornata_dopo_una_modifica(
    client, rete, django_assert_max_num_queries
):
    client.get("/rete/")
    with django_assert_max_num_queries(4):  # filter choices only; the list comes from the cache
        assert "Ceramica Imolese" in client.get("/rete/").content.decode()
    rete["ceramica"].nome = "Ceramica Imolese Rinnovata"
    rete["ceramica"].save()
    assert "Ceramica Imolese Rinnovata" in client.get("/rete/").content.decode()


@pytest.mark.django_db
def test_partnership_pubblicate_e_riservate(client, rete):
    html = client.get(reverse("partnership:partnership_pubbliche")).content.decode()
    assert "Solo Imola" in html and "Cultura tecnica a Bologna" not in html
    assert client.get(rete["p_b"].get_absolute_url()).status_code == 200
    assert client.get(rete["p_a"].get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_elenco_ufficio_in_cache_si_aggiorna_dopo_import_o_modifica(client, ufficio_a, rete):
    entra(client, ufficio_a)
    assert "Nuova Officina Felsinea" not in client.get(URL_ORG).content.decode()
    OrganizzazioneFactory(nome="Nuova Officina Felsinea", comune=comune("Bologna"))
    assert "Nuova Officina Felsinea" in client.get(URL_ORG).content.decode()
    rete["p_a"].distretti.clear()  # the partnership leaves district A: its title leaves A's list
    assert "Cultura tecnica a Bologna" not in client.get(URL_PART).content.decode()


@pytest.mark.django_db
def test_directory_in_inglese(client, rete):
    # The .mo files are compiled by `make messages` (a dependency of `make test`).
    html = client.get("/en/rete/").content.decode()
    assert "Organisations of the network" in html


@pytest.mark.django_db
def test_directory_servita_dalla_cache_senza_query_con_token_csrf_proprio(
    client, rete, django_assert_num_queries
):
    from django.test import Client

    prima = client.get("/rete/?tipo=impresa")
    with django_assert_num_queries(0):
        seconda = Client().get("/rete/?tipo=impresa")
    assert seconda.status_code == 200
    assert b"Ceramica Imolese" in seconda.content
    assert b"@@csrf" not in seconda.content
    assert seconda.content != prima.content or b"csrfmiddlewaretoken" not in prima.content
    # A change to an organisation makes the cached page unreachable.
    rete["ceramica"].nome = "Ceramica Imolese 2"
    rete["ceramica"].save()
    assert b"Ceramica Imolese 2" in Client().get("/rete/?tipo=impresa").content
