"""Shared fixtures of the test suite. Personas and factories live in tests/factories.py and here."""

import pytest
from django.core.cache import cache

from tests.redis_proprio import redis_proprio  # noqa: F401 - a Redis of the test's own (outage tests)


@pytest.fixture(autouse=True)
def _lingua_italiana():
    """Every test starts in Italian: a request to an /en/ page leaves English active in the thread, and
    reverse() in the next test would then build /en/ URLs."""
    from django.utils import translation

    translation.activate("it")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _cache_vuota():
    """Every test starts with an empty cache (pages are cached in Redis) and a cache client that is not
    leaving Redis alone after an error an earlier test caused on purpose (the pause is per process)."""
    from alternanza.core import cache_backend

    cache_backend._Stato.assente_fino = 0.0
    cache.clear()
    yield


def _ripristina_dati(contenuto: str) -> None:
    """Put back the rows serialized in `contenuto` into a flushed test database, in a few queries."""
    from collections import defaultdict

    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection, transaction

    per_modello = defaultdict(list)
    con_m2m = []
    for oggetto in serializers.deserialize("json", contenuto):
        per_modello[type(oggetto.object)].append(oggetto)
        if oggetto.m2m_data:
            con_m2m.append(oggetto)
    with transaction.atomic(), connection.cursor() as cursor:
        # The flush re-created content types and permissions with new ids: they come back with the old ones.
        cursor.execute("TRUNCATE django_content_type, auth_permission CASCADE")
        # Rows go back as they were: no triggers (history events are among the rows restored).
        cursor.execute("SET LOCAL session_replication_role = replica")
        for modello, oggetti in per_modello.items():  # foreign keys are checked at commit (deferred)
            if modello._meta.parents:
                for oggetto in oggetti:
                    oggetto.save()
            else:
                modello._base_manager.bulk_create([o.object for o in oggetti])
        for oggetto in con_m2m:
            for campo, valori in oggetto.m2m_data.items():
                getattr(oggetto.object, campo).set(valori)
        # The rows came back with their ids: move the sequences past them.
        for sql in connection.ops.sequence_reset_sql(no_style(), list(per_modello)):
            cursor.execute(sql)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def dati_delle_migrazioni(request, django_db_blocker) -> str:
    """The rows loaded by data migrations (districts, comuni, thematic areas, S3 areas...), serialized.

    Transactional tests (live server, real worker) empty every table when they end, and the test
    database is reused between runs (--reuse-db): the rows are put back at the end of the session, so
    the next run still has its districts. A transactional test that needs those rows requests
    `con_dati_delle_migrazioni` (the browser fixtures do). Django's own serialized rollback does not help
    under Playwright: its event loop makes Django hand the test a different connection object.
    """
    from distretti.models import Distretto

    usa_il_database = any(
        test.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(test.fixturenames)
        for test in request.session.items
    )
    if not usa_il_database:  # no test database in this session: never touch the real one
        yield ""
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        if not Distretto.objects.exists():
            pytest.exit(
                "The reused test database has lost the rows of the data migrations (an interrupted "
                "transactional test?): run pytest once with --create-db.",
                returncode=2,
            )
        from django.db import connection

        contenuto = connection.creation.serialize_db_to_string()
    yield contenuto
    with django_db_blocker.unblock():
        if not Distretto.objects.exists():
            _ripristina_dati(contenuto)


@pytest.fixture
def con_dati_delle_migrazioni(transactional_db, dati_delle_migrazioni):
    """For transactional tests: the data-migration rows are there (a previous one may have flushed)."""
    from distretti.models import Distretto

    if not Distretto.objects.exists():
        _ripristina_dati(dati_delle_migrazioni)


# --- Personas (owned by the accounts area) ----------------------------------------------------------
# District A is "bologna", district B is "imola" (both loaded by the territory data migration).
# Staff, superuser and district offices have a TOTP authenticator, so the MFA middleware lets them in.


@pytest.fixture
def distretto_a(db):
    from tests.factories import distretto

    return distretto("bologna")


@pytest.fixture
def distretto_b(db):
    from tests.factories import distretto

    return distretto("imola")


@pytest.fixture
def scuola_a(db):
    from tests.factories import ScuolaFactory, comune

    return ScuolaFactory(
        codice_meccanografico="BOTF00001A",
        denominazione="Istituto tecnico Aldini (prova)",
        comune=comune("Bologna"),
    )


@pytest.fixture
def scuola_b(db):
    from tests.factories import ScuolaFactory, comune

    return ScuolaFactory(
        codice_meccanografico="BOTF00002B",
        denominazione="Istituto tecnico Imolese (prova)",
        comune=comune("Imola"),
    )


@pytest.fixture
def organizzazione(db):
    from tests.factories import OrganizzazioneFactory, comune

    return OrganizzazioneFactory(
        nome="Meccanica Emiliana S.p.A.", slug="meccanica-emiliana", comune=comune("Bologna"), pubblica=True
    )


@pytest.fixture
def staff(db):
    from tests.factories import staff_cm

    return staff_cm(utente__username="staff", utente__email="staff@example.org", utente__is_staff=True)


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory, attiva_mfa

    user = UserFactory(username="superuser", email="superuser@example.org", is_staff=True, is_superuser=True)
    attiva_mfa(user)
    return user


@pytest.fixture
def ufficio_a(db, distretto_a):
    from tests.factories import ufficio_distretto

    return ufficio_distretto(distretto_a, utente__username="ufficio_a", utente__email="ufficio_a@example.org")


@pytest.fixture
def ufficio_b(db, distretto_b):
    from tests.factories import ufficio_distretto

    return ufficio_distretto(distretto_b, utente__username="ufficio_b", utente__email="ufficio_b@example.org")


@pytest.fixture
def referente_a(db, scuola_a):
    from tests.factories import referente_scuola

    return referente_scuola(scuola_a, utente__username="referente_a", utente__email="referente_a@example.org")


@pytest.fixture
def referente_b(db, scuola_b):
    from tests.factories import referente_scuola

    return referente_scuola(scuola_b, utente__username="referente_b", utente__email="referente_b@example.org")


@pytest.fixture
def referente_org(db, organizzazione):
    from tests.factories import ReferenteOrganizzazioneFactory

    return ReferenteOrganizzazioneFactory(
        organizzazione=organizzazione,
        utente__username="referente_org",
        utente__email="referente_org@example.org",
    ).utente


PERSONE = (
    "anonimo",
    "referente_a",
    "referente_b",
    "ufficio_a",
    "ufficio_b",
    "referente_org",
    "staff",
    "superuser",
)


@pytest.fixture
def persone(request, db):
    """All personas by name ("anonimo" → None), created on demand: persone["ufficio_a"]."""
    return {nome: None if nome == "anonimo" else request.getfixturevalue(nome) for nome in PERSONE}


def entra(client, persona):
    """Log `persona` in on the test client (None = stay anonymous) and return the client."""
    client.logout()
    if persona is not None:
        client.force_login(persona, backend="django.contrib.auth.backends.ModelBackend")
    return client
