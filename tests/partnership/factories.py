"""Factories of the partnership area: agreements, convenzioni, partnerships, offers and interests."""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import (
    Accordo,
    AreaS3,
    Convenzione,
    OffertaOspitalita,
    Partnership,
)
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune

PDF_MINIMO = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(nome: str = "documento.pdf", contenuto: bytes = PDF_MINIMO) -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, contenuto, content_type="application/pdf")


def area_s3(slug: str = "mech") -> AreaS3:
    """An S3 area loaded by the data migration, e.g. area_s3("mech")."""
    return AreaS3.objects.get(slug=slug)


class AccordoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accordo
        skip_postgeneration_save = True

    titolo = factory.Sequence(lambda n: f"Protocollo d'intesa di prova {n}")
    tipo = Accordo.Tipo.PROTOCOLLO
    stato = Accordo.Stato.FIRMATO
    data_firma = datetime.date(2024, 9, 1)
    valido_dal = datetime.date(2024, 9, 1)
    valido_al = datetime.date(2027, 8, 31)

    @factory.post_generation
    def distretti(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.distretti.add(*extracted)

    @factory.post_generation
    def organizzazioni(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizzazioni.add(*extracted)

    @factory.post_generation
    def scuole(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scuole.add(*extracted)


class ConvenzioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convenzione

    scuola = factory.SubFactory(ScuolaFactory)
    organizzazione = factory.SubFactory(OrganizzazioneFactory)
    numero = factory.Sequence(lambda n: f"CONV-{n:04d}")
    data_firma = datetime.date(2024, 9, 1)
    scadenza = datetime.date(2026, 8, 31)
    sezione_dvr = "Rischio rumore in officina: otoprotettori forniti; formazione specifica di 4 ore."


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    titolo = factory.Sequence(lambda n: f"Partnership di prova {n}")
    descrizione = "Scuole e imprese insieme per la cultura tecnica."
    livello = Partnership.Livello.DISTRETTUALE
    stato = Partnership.Stato.ATTIVA
    data_inizio = datetime.date(2025, 9, 1)
    data_fine = datetime.date(2026, 6, 30)
    pubblicata = False

    @factory.post_generation
    def distretti(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.distretti.add(*extracted)

    @factory.post_generation
    def scuole(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scuole.add(*extracted)

    @factory.post_generation
    def organizzazioni(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizzazioni.add(*extracted)

    @factory.post_generation
    def ambiti(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.ambiti.add(*extracted)


class OffertaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OffertaOspitalita

    organizzazione = factory.SubFactory(OrganizzazioneFactory)
    titolo = factory.Sequence(lambda n: f"Tirocinio in officina {n}")
    descrizione = "Affiancamento ai tecnici di manutenzione."
    posti = 3
    data_inizio = datetime.date(2026, 1, 12)
    data_fine = datetime.date(2026, 12, 20)
    comune = factory.LazyFunction(lambda: comune("Bologna"))
    attiva = True


def pagina_rete(chiave: str) -> str:
    """Create the data of a public page of the network and return its Italian path (browser walks)."""
    from distretti.models import AmbitoTematico, Distretto
    from partnership.models import Organizzazione

    mech = area_s3("mech")
    percorsi = {
        "organizzazioni": "/rete/",
        "organizzazioni filtrate": f"/rete/?tipo=impresa&area_s3={mech.pk}",
        "organizzazione": "/rete/organizzazioni/officine-felsinee/",
        "partnership": "/rete/partnership/",
        "scheda partnership": "/rete/partnership/meccatronica-bologna-imola/",
    }
    if Organizzazione.objects.filter(slug="officine-felsinee").exists():  # several pages, one data set
        return percorsi[chiave]
    org = OrganizzazioneFactory(
        nome="Officine Felsinee S.r.l.",
        slug="officine-felsinee",
        codice_ateco="25.62.00",
        sito_web="https://officine.example.org",
        contatto_nome="Anna Rossi",
        contatto_email="alternanza@officine.example.org",
        profilo="Officina meccanica con 40 tecnici: accoglie studenti dal 2015.",
        ruolo_rete="Ospita percorsi di meccatronica.",
    )
    org.aree_s3.add(mech)
    for n in range(26):  # more than a page: the pagination is shown
        OrganizzazioneFactory(nome=f"Impresa della rete {n:02d}").aree_s3.add(mech)
    PartnershipFactory(
        titolo="Meccatronica tra Bologna e Imola",
        slug="meccatronica-bologna-imola",
        livello=Partnership.Livello.INTERDISTRETTUALE,
        distretti=list(Distretto.objects.filter(slug__in=["bologna", "imola"])),
        organizzazioni=[org],
        scuole=[ScuolaFactory()],
        ambiti=list(AmbitoTematico.objects.all()[:2]),
        pubblicata=True,
    )
    return percorsi[chiave]
