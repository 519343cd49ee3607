"""Factories of the newsletter: subscribers (confirmed by default), issues and deliveries."""

from __future__ import annotations

import factory
from django.utils import timezone

from eventi.newsletter import consenso
from eventi.newsletter.models import Consegna, Iscritto, Numero, StatoIscritto, StatoNumero


class IscrittoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Iscritto
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"iscritto{n}@example.org")
    stato = StatoIscritto.CONFERMATO
    consenso_versione = consenso.VERSIONE
    consenso_il = factory.LazyFunction(timezone.now)
    confermato_il = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def distretti(self, create, extracted, **kwargs):
        if create and extracted:
            self.distretti.set(extracted)

    @factory.post_generation
    def ambiti(self, create, extracted, **kwargs):
        if create and extracted:
            self.ambiti.set(extracted)

    @factory.post_generation
    def pubblici(self, create, extracted, **kwargs):
        if create and extracted:
            self.pubblici.set(extracted)


class NumeroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Numero
        skip_postgeneration_save = True

    oggetto = factory.Sequence(lambda n: f"Newsletter della rete n. {n}")
    preheader = "Eventi, esperienze e notizie dai sette distretti"
    corpo = "<p>Care lettrici e cari lettori, ecco le novità della rete.</p>"
    stato = StatoNumero.BOZZA


class NumeroInviatoFactory(NumeroFactory):
    stato = StatoNumero.INVIATO
    avviato_il = factory.LazyFunction(timezone.now)
    inviato_il = factory.LazyFunction(timezone.now)


class ConsegnaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consegna

    numero = factory.SubFactory(NumeroFactory)
    iscritto = factory.SubFactory(IscrittoFactory)
