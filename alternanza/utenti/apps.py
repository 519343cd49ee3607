from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtentiConfig(AppConfig):
    name = "alternanza.utenti"
    label = "utenti"
    verbose_name = _("Account e ruoli")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alternanza.core.demo import registra_demo

        registra_demo("alternanza.utenti.demo.carica")
        from alternanza.utenti import signals  # noqa: F401 - connects the receivers
