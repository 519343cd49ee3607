from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreaConfig(AppConfig):
    name = "alternanza.area"
    label = "area"
    verbose_name = _("Area riservata")
    default_auto_field = "django.db.models.BigAutoField"
