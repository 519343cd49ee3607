"""Public Festival pages: home, list with filters, month calendar, event page (JSON-LD, Open Graph), news,
constant query counts with 5,000 events, cache invalidation and conditional GET."""

import json
import random
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from distretti.models import AmbitoTematico
from eventi import demo, workflow
from eventi.models import Evento, StatoEvento
from tests.eventi.factories import EdizioneFactory, EventoFactory, NotiziaFactory, ora_roma
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune

pytestmark = pytest.mark.django_db


def _slugs(response) -> set[str]:
    trovati = set(re.findall(r'href="/(?:en/)?festival/eventi/([a-z0-9-]+)/"', response.content.decode()))
    return trovati - {"calendario"}


@pytest.fixture
def cinquemila_eventi(db):
    """5,000 public events over three editions, as the demo data at scale "grande" (bulk inserts)."""
    demo.carica_eventi(5000, random.Random(7))
    assert Evento.objects.count() >= 5000


# --- Festival home ---------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 10, 9, 0).astimezone(), tick=False)
def test_home_del_festival_mostra_edizione_corrente_contatori_e_oggi(client):
    edizione = EdizioneFactory(anno=2026, titolo="Festival della Cultura tecnica", tema="Mani e menti")
    EdizioneFactory(anno=2025, titolo="Edizione passata")
    scuola = ScuolaFactory(comune=comune("Imola"))
    org = OrganizzazioneFactory(nome="Officine Imolesi")
    EventoFactory(
        titolo="Robot oggi",
        edizione=edizione,
        inizio=ora_roma(2026, 11, 10, 15),
        scuole=[scuola],
        organizzazioni=[org],
        in_evidenza=True,
    )
    EventoFactory(
        titolo="Visita giovedì", edizione=edizione, inizio=ora_roma(2026, 11, 12, 10), comune=comune("Imola")
    )
    EventoFactory(titolo="Proposta nascosta", edizione=edizione, stato=StatoEvento.PROPOSTO)
    NotiziaFactory(titolo="Programma online", edizione=edizione)

    response = client.get(reverse("eventi:festival"))
    testo = response.content.decode()
    assert response.status_code == 200
    assert "Mani e menti" in testo
    oggi = testo.split('id="titolo-oggi"')[1].split('id="titolo-settimana"')[0]
    assert "Robot oggi" in oggi and "Visita giovedì" not in oggi
    settimana = testo.split('id="titolo-settimana"')[1].split("</section>")[0]
    assert "Robot oggi" in settimana and "Visita giovedì" in settimana
    contatori = re.findall(r'<span class="numero">(\d+)</span>', testo)
    assert contatori == ["2", "1", "1", "2"]  # events, schools, organisations, comuni
    assert "Proposta nascosta" not in testo
    assert "Programma online" in testo
    assert reverse("eventi:edizione", args=[2025]) in testo  # archive of past editions


def test_home_senza_edizioni_non_si_rompe(client):
    response = client.get(reverse("eventi:festival"))
    assert response.status_code == 200
    assert "in preparazione" in response.content.decode()


def test_pagina_di_una_edizione_passata_e_archivio(client):
    EdizioneFactory(anno=2026)
    EdizioneFactory(anno=2024, titolo="Festival 2024")
    assert client.get(reverse("eventi:edizione", args=[2024])).status_code == 200
    assert client.get(reverse("eventi:edizione", args=[1999])).status_code == 404
    assert "Festival 2024" in client.get(reverse("eventi:archivio")).content.decode()


def test_edizione_in_bozza_non_e_pubblica(client):
    EdizioneFactory(anno=2027, stato="bozza")
    assert client.get(reverse("eventi:edizione", args=[2027])).status_code == 404


def test_home_mostra_la_vetrina_dei_progetti_dell_edizione(client):
    from tests.progetti.factories import ProgettoPubblicatoFactory

    EdizioneFactory(anno=2026)
    ProgettoPubblicatoFactory(titolo="Droni in classe", anno_scolastico="2025/26")
    ProgettoPubblicatoFactory(titolo="Senza consenso", consenso_vetrina=False, anno_scolastico="2025/26")
    ProgettoPubblicatoFactory(titolo="Anno prima", anno_scolastico="2024/25")
    testo = client.get(reverse("eventi:festival")).content.decode()
    assert "Droni in classe" in testo
    assert "Senza consenso" not in testo and "Anno prima" not in testo


# --- Event list and filters ------------------------------------------------------------------------


@pytest.fixture
def eventi_vari(db):
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    org = OrganizzazioneFactory(nome="Ducati Didattica", slug="ducati-didattica")
    scuola = ScuolaFactory(denominazione="Istituto Belluzzi", comune=comune("Bologna"))
    return {
        "bologna": EventoFactory(
            titolo="Laboratorio di saldatura",
            slug="bologna",
            inizio=ora_roma(2026, 11, 5, 9),
            pubblici=["famiglie"],
            ambiti=[ambito],
            organizzazioni=[org],
            tipo=Evento.Tipo.LABORATORIO,
        ),
        "imola": EventoFactory(
            titolo="Open day meccatronica",
            slug="imola",
            comune=comune("Imola"),
            inizio=ora_roma(2026, 11, 20, 15),
            pubblici=["secondaria_1", "famiglie"],
            tipo=Evento.Tipo.OPEN_DAY,
            scuole=[scuola],
        ),
        "casalecchio": EventoFactory(
            titolo="Convegno sulla sicurezza",
            slug="casalecchio",
            comune=comune("Casalecchio di Reno"),
            inizio=ora_roma(2026, 12, 1, 10),
            pubblici=["docenti"],
            tipo=Evento.Tipo.CONVEGNO,
        ),
        "proposto": EventoFactory(
            slug="proposto", stato=StatoEvento.PROPOSTO, inizio=ora_roma(2026, 11, 6, 9)
        ),
        "passato": EventoFactory(slug="passato", inizio=ora_roma(2025, 11, 6, 9)),
    }


ELENCO = reverse("eventi:elenco")


@pytest.mark.parametrize(
    ("query", "attesi"),
    [
        ("da=2026-01-01", {"bologna", "imola", "casalecchio"}),
        ("da=2026-11-10&a=2026-11-30", {"imola"}),
        ("da=2020-01-01&a=2025-12-31", {"passato"}),
        ("da=2026-01-01&distretto=imola", {"imola"}),
        ("da=2026-01-01&comune=037011", {"casalecchio"}),
        ("da=2026-01-01&pubblico=famiglie", {"bologna", "imola"}),
        ("da=2026-01-01&distretto=imola&pubblico=famiglie", {"imola"}),
        ("da=2026-01-01&tipo=convegno", {"casalecchio"}),
        ("da=2026-01-01&organizzatore=ducati", {"bologna"}),
        ("da=2026-01-01&organizzatore=belluzzi", {"imola"}),
        ("da=2026-01-01&organizzazione=ducati-didattica", {"bologna"}),
        ("da=2026-01-01&q=meccatronica", {"imola"}),
        ("da=2026-01-01&q=robot", {"bologna", "imola", "casalecchio"}),  # in the description
    ],
)
def test_filtri_dell_elenco(client, eventi_vari, query, attesi):
    response = client.get(f"{ELENCO}?{query}")
    assert response.status_code == 200
    assert _slugs(response) == attesi


def test_filtro_per_ambito_tematico(client, eventi_vari):
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    assert _slugs(client.get(f"{ELENCO}?da=2026-01-01&ambito={ambito.slug}")) == {"bologna"}


@time_machine.travel(datetime(2026, 11, 10, 12, 0).astimezone(), tick=False)
def test_elenco_parte_da_oggi_se_non_si_sceglie_una_data(client, eventi_vari):
    assert _slugs(client.get(ELENCO)) == {"imola", "casalecchio"}


def test_valore_di_filtro_non_valido_non_da_errore(client, eventi_vari):
    response = client.get(f"{ELENCO}?da=ieri&distretto=marte&pagina=abc")
    assert response.status_code == 200


def test_elenco_paginato_con_filtri_conservati(client):
    for n in range(25):
        EventoFactory(inizio=ora_roma(2026, 11, 1, 8) + timedelta(hours=n), comune=comune("Imola"))
    prima = client.get(f"{ELENCO}?da=2026-01-01&distretto=imola")
    testo = prima.content.decode()
    assert len(_slugs(prima)) == 20
    assert "25 eventi trovati" in testo
    link = re.search(r'href="(\?[^"]*pagina=2[^"]*)"', testo).group(1).replace("&amp;", "&")
    assert "distretto=imola" in link
    seconda = client.get(ELENCO + link)
    assert len(_slugs(seconda)) == 5


def test_calendario_del_mese_mostra_gli_eventi_nei_giorni_giusti(client, eventi_vari):
    EventoFactory(
        titolo="Mostra di tre giorni",
        slug="mostra",
        inizio=ora_roma(2026, 11, 26, 10),
        fine=ora_roma(2026, 11, 28, 18),
    )
    response = client.get(reverse("eventi:calendario") + "?mese=2026-11&pubblico=famiglie")
    testo = response.content.decode()
    assert response.status_code == 200
    celle = dict(re.findall(r'<time datetime="(2026-11-\d\d)">.*?</p>(.*?)</td>', testo, re.S))
    assert "Laboratorio di saldatura" in celle["2026-11-05"]
    assert "Open day meccatronica" in celle["2026-11-20"]
    assert "Convegno sulla sicurezza" not in testo  # filtered out by audience (and in December)
    tutti = client.get(reverse("eventi:calendario") + "?mese=2026-11").content.decode()
    celle = dict(re.findall(r'<time datetime="(2026-11-\d\d)">.*?</p>(.*?)</td>', tutti, re.S))
    for giorno in ("2026-11-26", "2026-11-27", "2026-11-28"):
        assert "Mostra di tre giorni" in celle[giorno]
    assert "Mostra di tre giorni" not in celle["2026-11-29"]
    assert "?mese=2026-12" in tutti and "?mese=2026-10" in tutti


@pytest.mark.parametrize("mese", ["2026-13", "0001-01", "9999-12", "1-1", "2026-00", "abc"])
def test_calendario_con_mese_impossibile_risponde_400(client, mese):
    assert client.get(reverse("eventi:calendario") + f"?mese={mese}").status_code == 400


def test_calendario_ai_limiti_dell_intervallo_risponde(client):
    for mese in ("2000-01", "2100-12"):
        assert client.get(reverse("eventi:calendario") + f"?mese={mese}").status_code == 200


# --- Event page -------------------------------------------------------------------------------------


def _jsonld(testo: str) -> dict:
    blocchi = re.findall(r'<script type="application/ld\+json">(.*?)</script>', testo, re.S)
    assert len(blocchi) == 1
    return json.loads(blocchi[0])


def test_pagina_evento_ha_json_ld_schema_org_valido(client):
    scuola = ScuolaFactory(denominazione="ITIS Aldini")
    evento = EventoFactory(
        titolo="Robotica </script><script>alert(1)</script>",
        scuole=[scuola],
        posti=30,
        prenotazione=Evento.Prenotazione.OBBLIGATORIA,
        link_prenotazione="https://prenota.example.org/",
    )
    testo = client.get(evento.get_absolute_url()).content.decode()
    dati = _jsonld(testo)
    assert dati["@context"] == "https://schema.org" and dati["@type"] == "Event"
    for campo in (
        "name",
        "startDate",
        "endDate",
        "location",
        "eventStatus",
        "eventAttendanceMode",
        "image",
        "description",
        "organizer",
        "url",
        "offers",
    ):
        assert dati.get(campo), campo
    assert dati["name"] == evento.titolo  # the title cannot close the script element
    assert datetime.fromisoformat(dati["startDate"]) == evento.inizio
    assert datetime.fromisoformat(dati["endDate"]) == evento.fine
    assert dati["location"]["@type"] == "Place"
    assert dati["location"]["address"]["addressLocality"] == "Bologna"
    assert dati["eventStatus"] == "https://schema.org/EventScheduled"
    assert dati["organizer"]["name"] == "ITIS Aldini"
    assert dati["offers"]["url"] == "https://prenota.example.org/"
    assert "<script>alert(1)" not in testo


def test_evento_online_annullato_nel_json_ld_e_motivo_pubblico(client, staff):
    evento = EventoFactory(online=True, link_online="https://meet.example.org/x", comune=None)
    workflow.esegui(evento, "annulla", staff, nota="Il relatore è malato")
    testo = client.get(evento.get_absolute_url()).content.decode()
    dati = _jsonld(testo)
    assert dati["eventStatus"] == "https://schema.org/EventCancelled"
    assert dati["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert dati["location"]["@type"] == "VirtualLocation"
    assert "Il relatore è malato" in testo and "Evento annullato" in testo


def test_pagina_evento_ha_open_graph_ics_condivisione_e_correlati(client):
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    org = OrganizzazioneFactory(nome="Officina Aperta", profilo="Costruiamo macchine utensili dal 1950.")
    evento = EventoFactory(titolo="Tornitura", ambiti=[ambito], organizzazioni=[org])
    EventoFactory(titolo="Fresatura", ambiti=[ambito], inizio=evento.inizio + timedelta(days=2))
    testo = client.get(evento.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Tornitura">' in testo
    assert 'property="og:image"' in testo and 'property="og:url"' in testo
    assert reverse("eventi:evento_ics", args=[evento.slug]) in testo
    assert "https://www.facebook.com/sharer/sharer.php?u=" in testo
    assert "Costruiamo macchine utensili dal 1950." in testo
    correlati = testo.split('id="titolo-correlati"')[1]
    assert "Fresatura" in correlati
    assert '<script src="http' not in testo  # no third-party scripts


def test_evento_proposto_non_e_visibile_al_pubblico(client):
    evento = EventoFactory(stato=StatoEvento.PROPOSTO)
    assert client.get(evento.get_absolute_url()).status_code == 404
    assert client.get(reverse("eventi:evento_ics", args=[evento.slug])).status_code == 404


def test_evento_in_inglese(client):
    evento = EventoFactory()
    response = client.get("/en" + evento.get_absolute_url())
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_notizie_e_pagina_della_notizia(client):
    notizia = NotiziaFactory(titolo="Si parte!", testo="<p>Il <em>Festival</em> comincia.</p>")
    NotiziaFactory(titolo="Futura", data_pubblicazione=ora_roma(2099, 1, 1))
    elenco = client.get(reverse("eventi:notizie")).content.decode()
    assert "Si parte!" in elenco and "Futura" not in elenco
    pagina = client.get(notizia.get_absolute_url()).content.decode()
    assert "<em>Festival</em>" in pagina


# --- Performance: constant queries, cache, conditional GET ------------------------------------------


def _pagine_pubbliche():
    evento = Evento.objects.pubblicati().order_by("pk").first()
    notizia = NotiziaFactory()
    return [
        reverse("eventi:festival"),
        reverse("eventi:archivio"),
        reverse("eventi:edizione", args=[evento.edizione.anno]),
        reverse("eventi:elenco"),
        reverse("eventi:elenco") + "?da=2020-01-01&distretto=bologna&pubblico=famiglie&q=laboratorio",
        reverse("eventi:calendario") + f"?mese={evento.inizio:%Y-%m}",
        evento.get_absolute_url(),
        reverse("eventi:notizie"),
        notizia.get_absolute_url(),
    ]


def test_pagine_pubbliche_con_5000_eventi_hanno_query_costanti_e_poi_nessuna(
    client, cinquemila_eventi, django_assert_max_num_queries, django_assert_num_queries
):
    for url in _pagine_pubbliche():
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
        # second visit: the whole page comes from Redis, without any query
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


def test_feed_con_5000_eventi_ha_query_costanti(client, cinquemila_eventi, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(reverse("eventi:feed_ics") + "?distretto=imola").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("sitemap_sezione", args=["eventi"])).status_code == 200


def test_modifica_di_un_evento_invalida_la_cache(client):
    evento = EventoFactory(titolo="Titolo vecchio")
    assert "Titolo vecchio" in client.get(ELENCO + "?da=2026-01-01").content.decode()
    evento.titolo = "Titolo nuovo"
    evento.save()
    testo = client.get(ELENCO + "?da=2026-01-01").content.decode()
    assert "Titolo nuovo" in testo and "Titolo vecchio" not in testo
    evento.delete()
    assert "Titolo nuovo" not in client.get(ELENCO + "?da=2026-01-01").content.decode()


def test_get_condizionale_risponde_304_finche_nulla_cambia(client):
    evento = EventoFactory()
    prima = client.get(evento.get_absolute_url())
    etag = prima["ETag"]
    assert "public" in prima["Cache-Control"]
    assert client.get(evento.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    evento.titolo = "Cambiato"
    evento.save()
    assert client.get(evento.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_utente_autenticato_non_riceve_cache_pubblica(client, referente_a):
    evento = EventoFactory()
    client.force_login(referente_a)
    response = client.get(evento.get_absolute_url())
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")


def test_pagina_in_cache_da_a_ogni_visitatore_il_suo_token_csrf(client, django_assert_num_queries):
    from django.test import Client

    EventoFactory(titolo="Evento in cache")
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    primo = client.get(ELENCO + "?da=2026-01-01")
    altro = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        secondo = altro.get(ELENCO + "?da=2026-01-01")
    assert "Evento in cache" in secondo.content.decode()
    assert "@@csrf" not in secondo.content.decode()
    token_secondo = token.search(secondo.content.decode()).group(1)
    assert token_secondo != token.search(primo.content.decode()).group(1)
    # the token of the cached page works for its visitor (the page-feedback form of every page)
    risposta = altro.post(
        reverse("valutazione"), {"pagina": ELENCO, "voto": "5", "csrfmiddlewaretoken": token_secondo}
    )
    assert risposta.status_code == 302


def test_pagine_del_festival_in_inglese(client):
    EventoFactory(titolo="Robot")
    testo = client.get("/en/festival/eventi/?da=2026-01-01").content.decode()
    assert "Search and filter events" in testo and "Apply filters" in testo
    assert "Cerca e filtra gli eventi" not in testo


def test_inizio_vuoto_elenca_anche_gli_eventi_passati_e_l_intervallo_vuoto_si_spiega(client):
    EventoFactory(titolo="Evento del 2024", slug="evento-2024", edizione=None, inizio=ora_roma(2024, 3, 5, 9))
    predefinito = client.get(reverse("eventi:elenco")).content.decode()
    assert "Evento del 2024" not in predefinito  # by default from today
    vuoto = client.get(reverse("eventi:elenco") + "?da=&a=").content.decode()
    assert "Evento del 2024" in vuoto
    assert 'name="da" value=""' in vuoto or 'name="da" type="date"' in vuoto
    nessuno = client.get(reverse("eventi:elenco") + "?da=2030-01-01&a=2030-02-01").content.decode()
    assert "Nessun evento tra il 1 gennaio 2030 e il 1 febbraio 2030" in nessuno


def test_pagina_edizione_con_programma_numeri_e_jsonld(client):
    import json

    from eventi.prenotazioni.models import Prenotazione
    from tests.factories import ScuolaFactory

    vecchia = EdizioneFactory(anno=2024, data_inizio=date(2024, 10, 1), data_fine=date(2024, 12, 1))
    EventoFactory(
        titolo="Apertura 2024", slug="apertura-2024", edizione=vecchia, inizio=ora_roma(2024, 10, 2)
    )
    prenotabile = EventoFactory(
        titolo="Laboratorio 2024",
        slug="laboratorio-2024",
        edizione=vecchia,
        inizio=ora_roma(2024, 10, 9),
        prenotazione="portale",
        posti=50,
    )
    scuola = ScuolaFactory()
    p = Prenotazione.objects.create(
        evento=prenotabile,
        data=prenotabile.date.get(),
        nome="D",
        email="d@example.org",
        scuola=scuola,
        studenti=20,
        accompagnatori=2,
        posti=22,
        stato="confermata",
    )
    assert p.pk
    pagina = client.get(reverse("eventi:edizione", args=[2024])).content.decode()
    assert "Il programma" in pagina and "Apertura 2024" in pagina and "Laboratorio 2024" in pagina
    assert "posti prenotati sul portale" in pagina and ">22<" in pagina
    assert "/festival/eventi.ics?edizione=2024" in pagina
    blocco = pagina.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    dati = json.loads(blocco)
    assert "Festival" in dati["@type"] and "EventSeries" in dati["@type"]
    assert {e["name"] for e in dati["subEvent"]} == {"Apertura 2024", "Laboratorio 2024"}


def test_notizia_ha_jsonld_newsarticle_e_atom_ha_l_autore(client):
    import json
    import xml.etree.ElementTree as ET

    notizia = NotiziaFactory(titolo="Il programma è online", slug="programma-online-2")
    pagina = client.get(notizia.get_absolute_url()).content.decode()
    blocco = pagina.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    dati = json.loads(blocco)
    assert dati["@type"] == "NewsArticle" and dati["author"]["name"] == "Città metropolitana di Bologna"
    assert dati["datePublished"].startswith("2026-09-01")
    atom = ET.fromstring(client.get(reverse("eventi:notizie_atom")).content)  # noqa: S314 - our own feed
    autore = atom.find("{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name")
    assert autore is not None and autore.text == "Città metropolitana di Bologna"
