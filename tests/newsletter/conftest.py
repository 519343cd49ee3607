"""Fixtures shared by the newsletter tests: a staff client, inline tasks, the local SMTP sink."""

from __future__ import annotations

import pytest

from tests.conftest import entra
from tests.newsletter.smtp import Pozzo


@pytest.fixture
def cliente_staff(client, staff):
    return entra(client, staff)


@pytest.fixture
def esegui(django_capture_on_commit_callbacks):
    """Run a staff action and the tasks it enqueues on commit (inline, as CELERY_TASK_ALWAYS_EAGER)."""

    def _esegui(funzione, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return funzione(*args)

    return _esegui


@pytest.fixture
def riprove_inline(monkeypatch):
    """Celery runs retries inline only when eager tasks do not propagate exceptions (a Celery rule)."""
    from alternanza.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def smtp(settings):
    with Pozzo() as pozzo:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = pozzo.porta
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield pozzo.gestore
