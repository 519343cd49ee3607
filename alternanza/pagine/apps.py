from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagineConfig(AppConfig):
    name = "alternanza.pagine"
    label = "pagine"
    verbose_name = _("Pagine del portale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alternanza.core.moduli import limita_le_date

        limita_le_date()
