"""Shared factories (factory_boy) for users, roles, schools and organisations.

Each app adds its own factories in tests/<app>/factories.py and may import these. Districts and comuni are
not created here: they come from the territory data migration, look them up with `distretto("bologna")`
and `comune("Bologna")`.
"""

from __future__ import annotations

import io

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.utils import timezone

from distretti.models import Comune, Distretto, Incarico, Scuola, StatoIncarico
from partnership.models import Organizzazione, ReferenteOrganizzazione

PASSWORD_TEST = "una-password-di-prova-lunga"  # noqa: S105 - test-only password of every UserFactory user


def immagine_salvata(nome: str, dimensioni: tuple[int, int], colore=(30, 80, 140)) -> dict[str, object]:
    """A JPEG stored once at `nome` in the public media with its WebP variants, as the field values of a
    model with an ImmagineResponsiva (immagine and its two dimension fields, by their default names on
    the Festival models): the browser walk's pages show real <picture>s."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from alternanza.core.varianti import crea_varianti, nome_variante

    if not default_storage.exists(nome_variante(nome, dimensioni[0])):
        buffer = io.BytesIO()
        Image.new("RGB", dimensioni, colore).save(buffer, "JPEG", quality=85)
        default_storage.delete(nome)
        default_storage.save(nome, ContentFile(buffer.getvalue()))
        crea_varianti(default_storage, nome)
    return {"immagine": nome, "larghezza_immagine": dimensioni[0], "altezza_immagine": dimensioni[1]}


def distretto(slug: str) -> Distretto:
    """A district loaded by the data migration, e.g. distretto("bologna"), distretto("imola")."""
    return Distretto.objects.get(slug=slug)


def comune(nome: str) -> Comune:
    """A comune loaded by the data migration, e.g. comune("Bologna"), comune("Imola")."""
    return Comune.objects.get(nome=nome)


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can log in by e-mail (verified primary address) with PASSWORD_TEST."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utente{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD_TEST)

    @factory.post_generation
    def email_verificata(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        if extracted is False:
            return
        EmailAddress.objects.get_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """Superusers get a TOTP authenticator (the MFA middleware requires it); mfa=False to skip."""
        if create and obj.is_superuser and extracted is not False:
            attiva_mfa(obj)


def attiva_mfa(user) -> Authenticator:
    """Give the user a TOTP authenticator (so the MFA middleware lets staff and offices through)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return existing
    return TOTP.activate(user, generate_totp_secret()).instance


class ScuolaFactory(factory.django.DjangoModelFactory):
    """A school; pass `comune=comune("Imola")` to place it in another district (default: Bologna)."""

    class Meta:
        model = Scuola

    codice_meccanografico = factory.Sequence(lambda n: f"BOTS{n:05d}X"[:10])
    denominazione = factory.Sequence(lambda n: f"Istituto tecnico di prova {n}")
    comune = factory.LazyFunction(lambda: comune("Bologna"))
    grado = "ISTITUTO TECNICO"
    statale = True
    attiva = True


class IncaricoFactory(factory.django.DjangoModelFactory):
    """An approved school-coordinator role by default; set ruolo/distretto/stato for the others."""

    class Meta:
        model = Incarico
        skip_postgeneration_save = True

    utente = factory.SubFactory(UserFactory)
    ruolo = Incarico.Ruolo.REFERENTE_SCUOLA
    scuola = factory.Maybe(
        factory.LazyAttribute(lambda o: o.ruolo == Incarico.Ruolo.REFERENTE_SCUOLA),
        yes_declaration=factory.SubFactory(ScuolaFactory),
        no_declaration=None,
    )
    distretto = None
    stato = StatoIncarico.APPROVATO
    deciso_il = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """Approved staff and district-office roles come with MFA set up (the middleware requires it for
        them); pass mfa=False to test the enforcement."""
        if (
            create
            and extracted is not False
            and obj.stato == StatoIncarico.APPROVATO
            and obj.ruolo in (Incarico.Ruolo.STAFF, Incarico.Ruolo.UFFICIO_DISTRETTO)
        ):
            attiva_mfa(obj.utente)


class OrganizzazioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organizzazione

    nome = factory.Sequence(lambda n: f"Officine di prova {n} S.r.l.")
    slug = factory.Sequence(lambda n: f"officine-di-prova-{n}")
    tipo = Organizzazione.Tipo.IMPRESA
    comune = factory.LazyFunction(lambda: comune("Bologna"))
    pubblica = True


class ReferenteOrganizzazioneFactory(factory.django.DjangoModelFactory):
    """An approved organisation contact by default."""

    class Meta:
        model = ReferenteOrganizzazione

    utente = factory.SubFactory(UserFactory)
    organizzazione = factory.SubFactory(OrganizzazioneFactory)
    stato = StatoIncarico.APPROVATO
    deciso_il = factory.LazyFunction(timezone.now)


def referente_scuola(scuola: Scuola, **kwargs):
    """A new user holding an approved coordinator role for `scuola`."""
    return IncaricoFactory(ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola, **kwargs).utente


def ufficio_distretto(d: Distretto, mfa: bool = True, **kwargs):
    """A new user holding an approved district-office role for `d` (with MFA set up by default)."""
    return IncaricoFactory(
        ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO, scuola=None, distretto=d, mfa=mfa, **kwargs
    ).utente


def staff_cm(mfa: bool = True, **kwargs):
    """A new user holding an approved metropolitan-staff role (with MFA set up by default)."""
    return IncaricoFactory(ruolo=Incarico.Ruolo.STAFF, scuola=None, distretto=None, mfa=mfa, **kwargs).utente
