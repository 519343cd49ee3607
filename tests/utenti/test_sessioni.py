"""The inactivity timeout slides with use, without writing the session on every page view."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import entra

pytestmark = pytest.mark.django_db


def _scadenza(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_la_scadenza_per_inattivita_si_rinnova_usando_il_portale(client, referente_a):
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False) as viaggio:
        entra(client, referente_a)
        client.get(reverse("home"))
        prima = _scadenza(client)
        viaggio.shift(dt.timedelta(minutes=30))
        client.get(reverse("home"))
        dopo = _scadenza(client)
    assert dopo - prima == dt.timedelta(minutes=30)


def test_pagine_vicine_non_riscrivono_la_sessione(client, referente_a):
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False) as viaggio:
        entra(client, referente_a)
        client.get(reverse("privacy"))
        viaggio.shift(dt.timedelta(seconds=10))
        prima = _scadenza(client)
        client.get(reverse("privacy"))
        assert _scadenza(client) == prima


def test_dopo_un_ora_di_inattivita_serve_un_nuovo_accesso(client, referente_a):
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False) as viaggio:
        entra(client, referente_a)
        client.get(reverse("home"))
        viaggio.shift(dt.timedelta(minutes=61))
        response = client.get(reverse("utenti:profilo"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
