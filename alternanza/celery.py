"""The Celery application of the portal: one app, tasks autodiscovered from the Django apps.

Reliability settings (acks_late, reject on worker lost, prefetch 1, visibility timeout above the longest
time limit, JSON only) live in settings.py under the CELERY_ prefix.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alternanza.settings")

app = Celery("alternanza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
