"""The settings module read from the environment, in a fresh interpreter each time (subprocess): the
development defaults, refusals with clear messages (no SECRET_KEY, no or a non-PostgreSQL DATABASE_URL),
*_FILE secrets, PostgreSQL/Redis/SMTP."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

RADICE = Path(__file__).resolve().parents[2]
# Never connected to: the settings only parse it.
PG = "postgres://postgres@127.0.0.1:5432/alternanza"

_STAMPA = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "DB_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "EMAIL_HOST": getattr(settings, "EMAIL_HOST", ""),
    "EMAIL_PORT": getattr(settings, "EMAIL_PORT", 0),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "HSTS": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "SSL_REDIRECT": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "VISIBILITY_TIMEOUT": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "TIME_LIMIT": settings.CELERY_TASK_TIME_LIMIT,
}))
"""


CHIAVE = "kR7-pQ2_vX9zL4mN8bT1wY6cF3hJ0sD5gA-eU7iO2rK9nM4xB8vC1zQ6"  # a valid production key (test only)


def _avvia(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the real settings (not the test ones) in a new interpreter with ONLY `env` set."""
    ambiente = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "alternanza.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", _STAMPA], cwd=RADICE, env=ambiente, capture_output=True, text=True, timeout=60
    )


def _impostazioni(env: dict[str, str]) -> dict:
    esito = _avvia(env)
    assert esito.returncode == 0, esito.stderr
    return json.loads(esito.stdout.strip().splitlines()[-1])


def test_senza_secret_key_in_produzione_rifiuta_di_partire_con_messaggio_chiaro():
    esito = _avvia({"DEBUG": "false"})
    assert esito.returncode != 0
    assert "ImproperlyConfigured" in esito.stderr
    assert "SECRET_KEY is not set" in esito.stderr
    assert "SECRET_KEY_FILE" in esito.stderr


def test_senza_nessuna_variabile_vale_la_produzione_e_quindi_serve_la_secret_key():
    esito = _avvia({})
    assert esito.returncode != 0
    assert "SECRET_KEY is not set" in esito.stderr


@pytest.mark.parametrize("env", [{"DEBUG": "true"}, {"DEBUG": "false", "SECRET_KEY": CHIAVE}])
def test_senza_database_url_rifiuta_di_partire_e_indica_make_run(env):
    esito = _avvia(env)
    assert esito.returncode != 0
    assert "ImproperlyConfigured" in esito.stderr
    assert "DATABASE_URL is not set" in esito.stderr and "`make run`" in esito.stderr


def test_sviluppo_su_postgresql_cache_locale_task_in_linea_email_su_file():
    valori = _impostazioni({"DEBUG": "true", "DATABASE_URL": PG})
    assert valori["DB_ENGINE"] == "django.db.backends.postgresql"
    assert valori["DB_NAME"] == "alternanza"
    assert valori["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert valori["EAGER"] is True
    assert valori["BROKER"] == "memory://"
    assert valori["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert valori["EMAIL_FILE_PATH"] == str(RADICE / "var" / "mail")
    assert valori["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_secret_key_letta_da_file(tmp_path):
    segreto = tmp_path / "secret_key"
    segreto.write_text("chiave-da-file-" + "x" * 50 + "\n", encoding="utf-8")
    valori = _impostazioni(
        {"DEBUG": "false", "SECRET_KEY_FILE": str(segreto), "ALLOWED_HOSTS": "a.example", "DATABASE_URL": PG}
    )
    assert valori["SECRET_KEY"] == "chiave-da-file-" + "x" * 50


def test_secret_key_file_illeggibile_ferma_l_avvio(tmp_path):
    esito = _avvia({"DEBUG": "false", "SECRET_KEY_FILE": str(tmp_path / "manca")})
    assert esito.returncode != 0
    assert "SECRET_KEY_FILE=" in esito.stderr and "cannot be read" in esito.stderr


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.sqlite3", "mysql://u:p@localhost/db"])
def test_database_url_diverso_da_postgresql_rifiutato(url):
    esito = _avvia({"DEBUG": "true", "DATABASE_URL": url})
    assert esito.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in esito.stderr


def test_produzione_con_postgresql_redis_e_smtp():
    valori = _impostazioni(
        {
            "DEBUG": "false",
            "SECRET_KEY": CHIAVE,
            "ALLOWED_HOSTS": "alternanza.example.it,www.alternanza.example.it",
            "DATABASE_URL": "postgres://utente:pw@db:5432/alternanza",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp://mailpit:1025",
        }
    )
    assert valori["DEBUG"] is False
    assert valori["DB_ENGINE"] == "django.db.backends.postgresql"
    assert valori["DB_NAME"] == "alternanza"
    assert valori["CONN_MAX_AGE"] == 600  # persistent connections: opening one costs ~5 ms
    assert valori["CACHE"] == "alternanza.core.cache_backend.FailOpenRedisCache"
    assert valori["EAGER"] is False
    assert valori["BROKER"] == "redis://redis:6379/0"
    assert valori["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (valori["EMAIL_HOST"], valori["EMAIL_PORT"]) == ("mailpit", 1025)
    assert valori["ALLOWED_HOSTS"] == ["alternanza.example.it", "www.alternanza.example.it"]
    assert valori["HSTS"] >= 31_536_000
    assert valori["SSL_REDIRECT"] is True and valori["SESSION_COOKIE_SECURE"] is True
    # Redis re-delivers an unacknowledged task after the visibility timeout: it must outlast any task.
    assert valori["VISIBILITY_TIMEOUT"] > valori["TIME_LIMIT"]


def test_email_host_senza_email_url():
    valori = _impostazioni(
        {"DEBUG": "true", "DATABASE_URL": PG, "EMAIL_HOST": "smtp.example.it", "EMAIL_PORT": "587"}
    )
    assert valori["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (valori["EMAIL_HOST"], valori["EMAIL_PORT"]) == ("smtp.example.it", 587)


def test_check_deploy_senza_avvisi_con_le_impostazioni_di_produzione():
    esito = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RADICE,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "alternanza.settings",
            "DEBUG": "false",
            "SECRET_KEY": "ab3$Zk9!" * 8,
            "ALLOWED_HOSTS": "alternanza.example.it",
            "DATABASE_URL": PG,
            # Production links (List-Unsubscribe above all) are https (check newsletter.W001).
            "SITE_URL": "https://alternanza.example.it",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert "no issues" in esito.stdout


@pytest.mark.parametrize(
    "chiave",
    [
        "change-me-to-a-long-random-value",
        "k" * 60,
        "corta-ma-vera-9f8e7d",
        "django-insecure-" + "a1b2c3d4e5" * 5,
    ],
)
def test_secret_key_segnaposto_o_debole_rifiutata_in_produzione(chiave):
    esito = _avvia({"DEBUG": "false", "SECRET_KEY": chiave, "DATABASE_URL": PG})
    assert esito.returncode != 0
    assert "SECRET_KEY is a placeholder or too weak" in esito.stderr
