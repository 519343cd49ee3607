"""Admin of the territory: districts (with their technical office), comuni, schools and their names.

Incarico (roles) is administered by the accounts area; register it in its own module if needed.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from distretti.models import AmbitoTematico, Comune, Distretto, Scuola, ScuolaNome


class ComuneInline(admin.TabularInline):
    model = Comune
    fields = ("nome", "codice_istat", "codice_catastale")
    readonly_fields = ("nome", "codice_istat", "codice_catastale")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Distretto)
class DistrettoAdmin(admin.ModelAdmin):
    list_display = ("nome", "n_comuni", "ufficio_nome", "ufficio_email", "ufficio_telefono")
    search_fields = ("nome",)
    prepopulated_fields = {"slug": ("nome",)}
    inlines = [ComuneInline]
    fieldsets = (
        (None, {"fields": ("nome", "slug", "descrizione")}),
        (
            _("Ufficio tecnico"),
            {"fields": ("ufficio_nome", "ufficio_email", "ufficio_telefono", "ufficio_indirizzo")},
        ),
        (_("Governance"), {"fields": ("organi_governance",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_comuni=Count("comuni"))

    @admin.display(description=_("comuni"), ordering="_n_comuni")
    def n_comuni(self, obj):
        return obj._n_comuni


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    """Staff may correct a comune's district here (docs/architecture.md): its schools follow."""

    list_display = ("nome", "codice_istat", "codice_catastale", "distretto")
    list_filter = ("distretto",)
    list_select_related = ("distretto",)
    search_fields = ("nome", "codice_istat", "codice_catastale")


class ScuolaNomeInline(admin.TabularInline):
    model = ScuolaNome
    fields = ("anno_anagrafe", "denominazione")
    extra = 0


@admin.register(Scuola)
class ScuolaAdmin(admin.ModelAdmin):
    list_display = (
        "codice_meccanografico",
        "denominazione",
        "comune",
        "livello",
        "statale",
        "attiva",
        "demo",
    )
    list_filter = ("attiva", "statale", "livello", "demo", "comune__distretto")
    list_select_related = ("comune",)
    search_fields = ("codice_meccanografico", "denominazione", "denominazione_anagrafe", "comune__nome")
    autocomplete_fields = ("comune",)
    readonly_fields = ("denominazione_anagrafe", "aggiornato_il")
    inlines = [ScuolaNomeInline]
    list_per_page = 50
    show_full_result_count = False


@admin.register(AmbitoTematico)
class AmbitoTematicoAdmin(admin.ModelAdmin):
    list_display = ("nome", "slug", "ordine")
    prepopulated_fields = {"slug": ("nome",)}
    ordering = ("ordine",)
