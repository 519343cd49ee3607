"""The Django admin of projects: a fallback for staff that cannot bypass the workflow."""

import pytest
from django.urls import reverse

from tests.conftest import entra
from tests.progetti.factories import AzioneDiReteFactory, ModelloInterventoFactory, ProgettoFactory

pytestmark = pytest.mark.django_db


def test_le_pagine_di_amministrazione_si_aprono(client, superuser, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a)
    azione = AzioneDiReteFactory()
    modello = ModelloInterventoFactory(azione=azione)
    entra(client, superuser)
    for url in (
        reverse("admin:alternanza_progetto_changelist"),
        reverse("admin:alternanza_progetto_change", args=[progetto.pk]),
        reverse("admin:alternanza_azionedirete_change", args=[azione.pk]),
        reverse("admin:alternanza_modellointervento_change", args=[modello.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_lo_stato_non_si_cambia_dall_amministrazione():
    from django.contrib import admin

    from alternanza.progetti.models import Progetto

    assert "stato" in admin.site._registry[Progetto].readonly_fields
