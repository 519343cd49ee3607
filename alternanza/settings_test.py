"""Settings for the test suite: the real settings, on the local PostgreSQL and Redis by default.

Only defaults are set here: DATABASE_URL / REDIS_URL from the environment win (CI, parallel runs use
their own database name and Redis db).
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alternanza")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Under pytest-xdist (`make test` runs two processes) each process gets its own Redis db and its own
# file folders; the databases are already its own (pytest-django suffixes test_<name> with gw0, gw1).
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist.startswith("gw") and _xdist[2:].isdigit():
    _n = int(_xdist[2:])
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    os.environ["REDIS_URL"] = f"{_base}/{(int(_db or 0) + 8 * _n) % 16}"
    _cartella = tempfile.mkdtemp(prefix=f"alternanza-test-{_xdist}-")
    os.environ.setdefault("MEDIA_ROOT", f"{_cartella}/media")
    os.environ.setdefault("MEDIA_PRIVATI_ROOT", f"{_cartella}/privato")
    os.environ.setdefault("CARICAMENTI_TEMPORANEI_ROOT", f"{_cartella}/caricamenti")
# Tasks run inline unless a test starts a real worker (tests marked `worker` switch this off).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from alternanza.settings import *  # noqa: E402,F403
from alternanza.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: hashing is not under test
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing
