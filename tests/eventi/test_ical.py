"""Feeds of the Festival: .ics of one event and the iCalendar feed (RFC 5545, Europe/Rome with DST),
RSS/Atom of the news, the portal's sitemap.xml and robots.txt."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
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


# --- Three parsers, the same instants ------------------------------------------------------------

E2E = Path(__file__).resolve().parents[1] / "e2e"
# A summer event (CEST, UTC+2) and a winter one (CET, UTC+1), years after 1970: a VTIMEZONE whose
# transitions are one long RDATE list shifts the summer one in ical.js and vobject.
ESTATE = ("2027-07-01T16:00:00+00:00", "2027-07-01T18:00:00+00:00")
INVERNO = ("2026-12-01T08:00:00+00:00", "2026-12-01T10:00:00+00:00")


def _feed_con_estate_e_inverno(client) -> bytes:
    edizione = EdizioneFactory(anno=2027, data_inizio=date(2027, 6, 1), data_fine=date(2027, 7, 31))
    EventoFactory(titolo="Estate", slug="estate", edizione=edizione, inizio=ora_roma(2027, 7, 1, 18))
    EventoFactory(titolo="Inverno", slug="inverno", inizio=ora_roma(2026, 12, 1, 9))
    risposta = client.get(reverse("eventi:feed_ics") + "?da=2026-01-01")
    assert risposta.status_code == 200
    return risposta.content


def _per_titolo(istanti: dict[str, tuple[str, str]], cal: icalendar.Calendar) -> dict[str, tuple[str, str]]:
    titoli = {str(v["UID"]): str(v["SUMMARY"]) for v in cal.walk("VEVENT")}
    return {titoli[uid]: valore for uid, valore in istanti.items()}


def _utc(valore) -> str:
    return valore.astimezone(UTC).isoformat()


def test_vtimezone_con_rrule_e_non_con_un_elenco_di_rdate(client):
    cal = icalendar.Calendar.from_ical(_feed_con_estate_e_inverno(client))
    fuso = _vtimezone_roma(cal)
    for componente in fuso.subcomponents:
        assert "RRULE" in componente and "RDATE" not in componente
    regole = {c.name: c["RRULE"] for c in fuso.subcomponents}
    assert regole["DAYLIGHT"]["BYMONTH"] == [3] and regole["STANDARD"]["BYMONTH"] == [10]


def test_icalendar_vobject_e_ical_js_leggono_gli_stessi_istanti_utc(client):
    contenuto = _feed_con_estate_e_inverno(client)
    cal = icalendar.Calendar.from_ical(contenuto)
    attesi = {"Estate": ESTATE, "Inverno": INVERNO}

    da_icalendar = {
        str(v["SUMMARY"]): (_utc(v["DTSTART"].dt), _utc(v["DTEND"].dt)) for v in cal.walk("VEVENT")
    }
    assert da_icalendar == attesi

    da_vobject = {
        str(v.summary.value): (_utc(v.dtstart.value), _utc(v.dtend.value))
        for v in vobject.readOne(contenuto.decode()).vevent_list
    }
    assert da_vobject == attesi

    node = shutil.which("node")
    assert node, "Node is needed for the ical.js cross-check (see tests/e2e/package.json)"
    esito = subprocess.run(  # noqa: S603 - fixed command, the portal's own output on stdin
        [node, str(E2E / "ical_istanti.mjs")], input=contenuto, capture_output=True, check=True, cwd=E2E
    )
    da_ical_js = json.loads(esito.stdout)["eventi"]
    da_ical_js = {
        k: tuple(datetime.fromisoformat(x.replace("Z", "+00:00")).isoformat() for x in v)
        for k, v in _per_titolo(da_ical_js, cal).items()
    }
    assert da_ical_js == attesi


def test_feed_di_un_edizione_passata_non_e_vuoto(client):
    vecchia = EdizioneFactory(anno=2024, data_inizio=date(2024, 10, 1), data_fine=date(2024, 12, 1))
    EventoFactory(titolo="Del 2024", slug="del-2024", edizione=vecchia, inizio=ora_roma(2024, 11, 5, 9))
    EventoFactory(titolo="Del 2026", slug="del-2026", inizio=ora_roma(2026, 11, 5, 9))
    cal = _calendario(client.get(reverse("eventi:feed_ics") + "?edizione=2024"))
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == ["Del 2024"]
    assert "Del 2024" in client.get(reverse("eventi:elenco") + "?edizione=2024").content.decode()


def test_feed_senza_risultati_resta_un_vcalendar_valido(client):
    risposta = client.get(reverse("eventi:feed_ics") + "?q=nessunrisultato")
    cal = _calendario(risposta)
    assert cal.name == "VCALENDAR" and not cal.walk("VEVENT")
    _vtimezone_roma(cal)
    assert vobject.readOne(risposta.content.decode()).name == "VCALENDAR"


def test_descrizione_ics_mantiene_i_paragrafi(client):
    evento = EventoFactory(
        descrizione="<p>Ritrovo davanti al municipio di Loiano.</p><p>Porta con te le scarpe.</p>"
    )
    (ve,) = _calendario(client.get(reverse("eventi:evento_ics", args=[evento.slug]))).walk("VEVENT")
    assert "di Loiano.\n\nPorta con te" in str(ve["DESCRIPTION"])
    pagina = client.get(evento.get_absolute_url()).content.decode()
    assert "di Loiano. Porta con te" in pagina  # og:description and meta description: no "Loiano.Porta"
    assert "Loiano.Porta" not in pagina


def test_pagina_elenco_offre_feed_e_webcal_con_i_filtri(client):
    EventoFactory()
    pagina = client.get(reverse("eventi:elenco") + "?distretto=imola&tipo=convegno").content.decode()
    assert '<link rel="alternate" type="text/calendar"' in pagina
    assert 'href="/festival/eventi.ics?distretto=imola&amp;tipo=convegno"' in pagina
    assert "webcal://" in pagina and "eventi.ics?distretto=imola&amp;tipo=convegno" in pagina


def test_pagina_evento_ha_link_google_e_outlook(client):
    evento = EventoFactory(inizio=ora_roma(2026, 11, 10, 10))
    pagina = client.get(evento.get_absolute_url()).content.decode()
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in pagina
    assert "dates=20261110T090000Z%2F20261110T110000Z" in pagina
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in pagina
    assert "startdt=2026-11-10T09%3A00%3A00Z" in pagina
