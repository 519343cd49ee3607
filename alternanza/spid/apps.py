from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpidConfig(AppConfig):
    name = "alternanza.spid"
    label = "spid"
    verbose_name = _("Accesso con SPID e CIE")
    default_auto_field = "django.db.models.BigAutoField"
