from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared machinery of the portal. Its one table is the outbox of tasks (CompitoInAttesa)."""

    name = "alternanza.core"
    label = "core"
    verbose_name = _("Infrastruttura del portale")
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self) -> None:
        super().import_models()
        # Every form date is checked against the sane range (moduli.limita_le_date). Done while the
        # models are imported, before any app's ready(): the admin's autodiscovery and the apps' ready()
        # import form modules, and a field made before this would not have the check.
        from alternanza.core.moduli import limita_le_date

        limita_le_date()
