"""Demo data of the newsletter: readable at scale "base", idempotent."""

from __future__ import annotations

import random

import pytest

from eventi.newsletter import demo
from eventi.newsletter.models import Consegna, Iscritto, Numero, StatoIscritto, StatoNumero

pytestmark = pytest.mark.django_db


def test_demo_base_carica_iscritti_con_interessi_e_numeri_e_si_puo_ripetere():
    demo.carica("base", random.Random(1))
    assert Iscritto.objects.filter(demo=True).count() == demo.QUANTI["base"] + demo.ALTRI["base"]
    confermati = Iscritto.objects.filter(demo=True, stato=StatoIscritto.CONFERMATO)
    assert confermati.count() == demo.QUANTI["base"]
    assert confermati.filter(distretti__isnull=False).exists()
    assert all(i.consensi.exists() for i in confermati[:10])
    assert Numero.objects.filter(stato=StatoNumero.INVIATO).count() == demo.NUMERI_INVIATI["base"]
    assert Numero.objects.filter(stato=StatoNumero.BOZZA).count() == 1
    ultimo = Numero.objects.filter(stato=StatoNumero.INVIATO).order_by("-inviato_il").first()
    assert Consegna.objects.filter(numero=ultimo).count() == confermati.count()
    demo.carica("base", random.Random(1))
    assert Iscritto.objects.filter(demo=True).count() == demo.QUANTI["base"] + demo.ALTRI["base"]
    assert Numero.objects.count() == demo.NUMERI_INVIATI["base"] + 1


def test_demo_le_pagine_pubbliche_e_di_gestione_si_aprono(client, staff):
    from django.urls import reverse

    from tests.conftest import entra

    demo.carica("base", random.Random(2))
    numero = Numero.objects.filter(stato=StatoNumero.INVIATO).first()
    assert client.get(reverse("newsletter:archivio")).status_code == 200
    assert client.get(reverse("newsletter:archivio_numero", kwargs={"pk": numero.pk})).status_code == 200
    entra(client, staff)
    assert client.get(reverse("newsletter:numero", kwargs={"pk": numero.pk})).status_code == 200
    assert client.get(reverse("newsletter:iscritti")).status_code == 200
