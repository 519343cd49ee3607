from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagineConfig(AppConfig):
    name = "alternanza.pagine"
    label = "pagine"
    verbose_name = _("Pagine del portale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Request ids on Celery tasks and the beat/worker heartbeats: the signals connect on import.
        from alternanza.core import osservabilita  # noqa: F401
