"""Feeds of the Festival: .ics of one event and the iCalendar feed (RFC 5545, Europe/Rome with DST),
RSS/Atom of the news, the portal's sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse

from eventi import workflow
from eventi.models import StatoEvento
from tests.eventi.factories import EdizioneFactory, EventoFactory, NotiziaFactory, ora_roma
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _xml(contenuto: bytes) -> ET.Element:
    return ET.fromstring(contenuto)  # noqa: S314 - the portal's own output, parsed to check it


def _calendario(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _vtimezone_roma(cal):
    fusi = list(cal.walk("VTIMEZONE"))
    assert [str(f["TZID"]) for f in fusi] == ["Europe/Rome"]
    sottocomponenti = {c.name for c in fusi[0].subcomponents}
    assert {"STANDARD", "DAYLIGHT"} <= sottocomponenti
    return fusi[0]


def test_ics_di_un_evento_con_fuso_europe_rome_e_ora_legale(client):
    # 29 March 2026 is the switch to summer time: 10:00 is UTC+2, the day before UTC+1.
    evento = EventoFactory(
        titolo="Laboratorio di primavera",
        date=[
            (ora_roma(2026, 3, 28, 10), ora_roma(2026, 3, 28, 12)),
            (ora_roma(2026, 3, 29, 10), ora_roma(2026, 3, 29, 12)),
        ],
    )
    response = client.get(reverse("eventi:evento_ics", args=[evento.slug]))
    assert "attachment" in response["Content-Disposition"]
    cal = _calendario(response)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    _vtimezone_roma(cal)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 2
    for ve in vevents:
        assert ve["DTSTART"].params["TZID"] == "Europe/Rome"
        assert ve["DTEND"].params["TZID"] == "Europe/Rome"
        assert str(ve["SUMMARY"]) == "Laboratorio di primavera"
        assert ve["UID"] and ve["DTSTAMP"]
        assert str(ve["URL"]).endswith(evento.get_absolute_url())
        assert "Aula magna" in str(ve["LOCATION"]) and "Bologna" in str(ve["LOCATION"])
        assert ve["DTSTART"].dt.hour == 10
    prima, seconda = sorted(vevents, key=lambda v: v["DTSTART"].dt)
    assert prima["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    assert seconda["DTSTART"].dt.utcoffset() == timedelta(hours=2)
    assert len({str(v["UID"]) for v in vevents}) == 2
    assert b"\r\n" in response.content  # RFC 5545 line endings


def test_ics_di_evento_annullato_ha_stato_cancelled(client, staff):
    evento = EventoFactory()
    workflow.esegui(evento, "annulla", staff, nota="Sciopero dei trasporti")
    cal = _calendario(client.get(reverse("eventi:evento_ics", args=[evento.slug])))
    (ve,) = cal.walk("VEVENT")
    assert str(ve["STATUS"]) == "CANCELLED"
    assert "Sciopero dei trasporti" in str(ve["DESCRIPTION"])


def test_feed_ical_di_tutti_gli_eventi_pubblici_e_per_filtro(client):
    EventoFactory(titolo="A Bologna", slug="a-bologna", inizio=ora_roma(2026, 7, 1, 18))
    EventoFactory(titolo="A Imola", slug="a-imola", comune=comune("Imola"), inizio=ora_roma(2026, 12, 1, 9))
    EventoFactory(titolo="Proposta", slug="proposta", stato=StatoEvento.PROPOSTO)
    tutti = _calendario(client.get(reverse("eventi:feed_ics")))
    _vtimezone_roma(tutti)
    titoli = {str(v["SUMMARY"]) for v in tutti.walk("VEVENT")}
    assert titoli == {"A Bologna", "A Imola"}
    estivo = next(v for v in tutti.walk("VEVENT") if str(v["SUMMARY"]) == "A Bologna")
    assert estivo["DTSTART"].dt.utcoffset() == timedelta(hours=2)
    invernale = next(v for v in tutti.walk("VEVENT") if str(v["SUMMARY"]) == "A Imola")
    assert invernale["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    imola = _calendario(client.get(reverse("eventi:feed_ics") + "?distretto=imola"))
    assert {str(v["SUMMARY"]) for v in imola.walk("VEVENT")} == {"A Imola"}


def test_feed_ical_si_aggiorna_quando_un_evento_cambia(client):
    evento = EventoFactory(titolo="Prima")
    client.get(reverse("eventi:feed_ics"))
    evento.titolo = "Dopo"
    evento.save()
    cal = _calendario(client.get(reverse("eventi:feed_ics")))
    assert {str(v["SUMMARY"]) for v in cal.walk("VEVENT")} == {"Dopo"}


def test_rss_delle_notizie(client):
    NotiziaFactory(titolo="Prima notizia", sommario="Sommario uno", data_pubblicazione=ora_roma(2026, 9, 1))
    NotiziaFactory(titolo="Seconda notizia", data_pubblicazione=ora_roma(2026, 9, 2))
    NotiziaFactory(titolo="Bozza", pubblicata=False)
    response = client.get(reverse("eventi:notizie_rss"))
    assert response.status_code == 200 and "rss" in response["Content-Type"]
    radice = _xml(response.content)
    assert radice.tag == "rss"
    voci = radice.findall("./channel/item")
    assert [v.findtext("title") for v in voci] == ["Seconda notizia", "Prima notizia"]
    assert voci[1].findtext("description") == "Sommario uno"
    assert voci[1].findtext("link").startswith("http://testserver/festival/notizie/notizia-del-festival-")
    assert voci[0].findtext("pubDate")


def test_atom_delle_notizie(client):
    NotiziaFactory(titolo="Notizia atom")
    response = client.get(reverse("eventi:notizie_atom"))
    radice = _xml(response.content)
    assert radice.tag == f"{ATOM}feed"
    voci = radice.findall(f"{ATOM}entry")
    assert [v.findtext(f"{ATOM}title") for v in voci] == ["Notizia atom"]
    assert voci[0].findtext(f"{ATOM}updated")


def _sitemap_urls(client) -> set[str]:
    indice = _xml(client.get("/sitemap.xml").content)
    assert indice.tag == f"{SITEMAP}sitemapindex"
    urls = set()
    for loc in indice.iter(f"{SITEMAP}loc"):
        sezione = client.get(loc.text.replace("http://testserver", ""))
        assert sezione.status_code == 200
        radice = _xml(sezione.content)
        urls |= {u.text.replace("http://testserver", "") for u in radice.iter(f"{SITEMAP}loc")}
    return urls


def test_sitemap_elenca_le_pagine_pubbliche_del_portale(client):
    edizione = EdizioneFactory(anno=2026)
    pubblico = EventoFactory(slug="pubblico", edizione=edizione)
    annullato = EventoFactory(slug="annullato", stato=StatoEvento.ANNULLATO, motivo_annullamento="Pioggia")
    proposto = EventoFactory(slug="proposto", stato=StatoEvento.PROPOSTO)
    notizia = NotiziaFactory()
    scuola = ScuolaFactory()
    organizzazione = OrganizzazioneFactory(pubblica=True)
    privata = OrganizzazioneFactory(pubblica=False)
    progetto = ProgettoPubblicatoFactory()
    urls = _sitemap_urls(client)
    assert organizzazione.get_absolute_url() in urls and privata.get_absolute_url() not in urls
    assert progetto.get_absolute_url() in urls
    for atteso in (
        "/",
        "/festival/",
        "/en/festival/",
        reverse("eventi:elenco"),
        reverse("eventi:notizie"),
        edizione.get_absolute_url(),
        pubblico.get_absolute_url(),
        "/en" + pubblico.get_absolute_url(),
        annullato.get_absolute_url(),
        notizia.get_absolute_url(),
        reverse("distretti:dettaglio", args=["imola"]),
        scuola.get_absolute_url(),
    ):
        assert atteso in urls, atteso
    assert proposto.get_absolute_url() not in urls
    assert not any("/gestione/" in u or "/account/" in u for u in urls)


def test_robots_txt_indica_la_sitemap_e_chiude_le_aree_riservate(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    testo = response.content.decode()
    assert "User-agent: *" in testo
    assert "Sitemap: http://testserver/sitemap.xml" in testo
    for riservato in ("/admin/", "/account/", "/festival/gestione/"):
        assert f"Disallow: {riservato}" in testo
    assert "Disallow: /\n" not in testo
