"""Availability: with the database unreachable the portal answers 503 with Retry-After, and /healthz says so.

The database is made unreachable for real: the test's connection is pointed at a closed port (the suite's
PostgreSQL keeps running for the other tests) and restored afterwards.
"""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test import Client


def _porta_chiusa() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_irraggiungibile(con_dati_delle_migrazioni, monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", str(_porta_chiusa()))
    yield
    connection.close()
    monkeypatch.undo()
    connection.ensure_connection()


def test_senza_database_le_pagine_rispondono_503_con_retry_after(database_irraggiungibile):
    risposta = Client(raise_request_exception=False).get("/territorio/")
    assert risposta.status_code == 503
    assert risposta["Retry-After"] == "30"
    testo = risposta.content.decode()
    assert "Servizio temporaneamente non disponibile" in testo
    assert "/static/build/portale." in testo and "it-header-wrapper" in testo  # the portal's layout


def test_senza_database_healthz_risponde_subito_503(database_irraggiungibile):
    risposta = Client().get("/healthz")
    assert risposta.status_code == 503
    assert risposta.json()["database"] == "error"


def test_un_errore_che_non_viene_dal_database_resta_un_500(rf):
    from django.db import OperationalError

    from alternanza.pagine.errori import errore_server

    try:
        raise RuntimeError("un bug")
    except RuntimeError:
        assert errore_server(rf.get("/")).status_code == 500
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as errore:
            raise RuntimeError("wrapped") from errore
    except RuntimeError:
        assert errore_server(rf.get("/")).status_code == 503
