from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared machinery of the portal. Its one table is the outbox of tasks (CompitoInAttesa)."""

    name = "alternanza.core"
    label = "core"
    verbose_name = _("Infrastruttura del portale")
    default_auto_field = "django.db.models.BigAutoField"
