"""schema.org data (JSON-LD) on the public page of a project (issue 16: "JSON-LD ... on project pages")."""

import datetime as dt
import json
import re

import pytest

from distretti.models import AmbitoTematico
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, comune
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db


def _jsonld(pagina: str) -> list[dict]:
    return [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', pagina, re.S)
    ]


def test_pagina_pubblica_del_progetto_ha_il_project_di_schema_org(client, scuola_a):
    org = OrganizzazioneFactory(nome="Officine Reno S.p.A.")
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a,
        titolo="Robot in officina </script><b>",
        descrizione="<p>Gli studenti programmano un braccio robotico.</p><p>Secondo paragrafo.</p>",
        ospitanti=[org],
        data_inizio=dt.date(2025, 10, 1),
        data_fine=dt.date(2026, 5, 31),
    )
    progetto.comuni.add(comune("Imola"))
    ambito = AmbitoTematico.objects.order_by("pk").first()
    progetto.ambiti.add(ambito)
    pagina = client.get(progetto.get_absolute_url()).content.decode()
    assert "</script><b>" not in pagina.split("<body", 1)[0]  # the title cannot close the data block
    (dati,) = [d for d in _jsonld(pagina) if d.get("@type") == "Project"]
    assert dati["@context"] == "https://schema.org"
    assert dati["name"] == "Robot in officina </script><b>"
    assert dati["url"].endswith(progetto.get_absolute_url()) and dati["url"].startswith("http")
    assert dati["description"].startswith("Gli studenti programmano un braccio robotico.")
    assert dati["parentOrganization"]["name"] == scuola_a.denominazione
    assert dati["member"] == [{"@type": "Organization", "name": "Officine Reno S.p.A."}]
    assert dati["location"]["address"]["addressLocality"] == "Imola"
    assert (dati["foundingDate"], dati["dissolutionDate"]) == ("2025-10-01", "2026-05-31")
    assert dati["knowsAbout"] == [ambito.nome]


def test_chi_lavora_al_progetto_non_riceve_i_dati_per_i_motori(client, staff, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a)
    entra(client, staff)
    pagina = client.get(progetto.get_absolute_url()).content.decode()
    assert not [d for d in _jsonld(pagina) if d.get("@type") == "Project"]
