"""Demo users: one per persona, known password, only with DEBUG on, idempotent."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

import alternanza.urls  # noqa: F401 - load the URLconf with DEBUG off: with it on, it adds dev-only media URLs
from alternanza.utenti import demo
from distretti.models import Livello
from distretti.permissions import ambito_di
from tests.factories import ScuolaFactory, comune

pytestmark = pytest.mark.django_db


def test_utenti_demo_con_i_ruoli_delle_persone(settings, client, organizzazione):
    settings.DEBUG = True
    # A PCTO coordinator works at an upper secondary school: the primary school sorting first is passed over.
    ScuolaFactory(comune=comune("Bologna"), livello=Livello.PRIMARIA, codice_meccanografico="BOEE00001A")
    superiore = ScuolaFactory(comune=comune("Bologna"), livello=Livello.SECONDO_GRADO)
    ScuolaFactory(comune=comune("Imola"), livello=Livello.SECONDO_GRADO)
    organizzazione.demo = True
    organizzazione.save()
    demo.carica("base", random.Random(1))
    demo.carica("base", random.Random(1))  # a second run adds nothing and does not fail
    utenti = get_user_model().objects
    assert utenti.filter(email__endswith="@demo.example.org").count() == 8
    assert ambito_di(utenti.get(username="staff")).staff
    assert ambito_di(utenti.get(username="ufficio.imola")).distretti_ufficio
    assert ambito_di(utenti.get(username="referente.bologna")).scuole == {superiore.pk}
    risposta = client.post(
        reverse("account_login"),
        {"login": "referente.bologna@demo.example.org", "password": demo.PASSWORD_DEMO},
    )
    assert risposta.status_code == 302 and "_auth_user_id" in client.session


def test_nessun_utente_demo_senza_debug(settings):
    settings.DEBUG = False
    demo.carica("base", random.Random(1))
    assert not get_user_model().objects.exists()
