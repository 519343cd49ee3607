"""Admin of the newsletter: read-mostly views for support; the staff pages are the working tool."""

from django.contrib import admin

from .models import Consegna, ConsensoRegistro, GruppoRevisori, Iscritto, Numero, Pubblico


class ConsensoInline(admin.TabularInline):
    model = ConsensoRegistro
    extra = 0
    can_delete = False
    readonly_fields = ["azione", "il", "ip", "versione_testo", "fonte", "nota"]


@admin.register(Iscritto)
class IscrittoAdmin(admin.ModelAdmin):
    list_display = ["email", "stato", "fonte", "importato_con_consenso", "creato_il"]
    list_filter = ["stato", "fonte", "importato_con_consenso"]
    search_fields = ["email"]
    readonly_fields = [
        "chiave",
        "consenso_versione",
        "consenso_il",
        "consenso_ip",
        "confermato_il",
        "disiscritto_il",
    ]
    filter_horizontal = ["distretti", "ambiti", "pubblici"]
    inlines = [ConsensoInline]
    show_full_result_count = False


@admin.register(Numero)
class NumeroAdmin(admin.ModelAdmin):
    list_display = ["oggetto", "stato", "programmato_per", "inviato_il", "totale_destinatari"]
    list_filter = ["stato"]
    search_fields = ["oggetto"]
    readonly_fields = ["avviato_il", "inviato_il", "totale_destinatari", "creato_da"]


@admin.register(Consegna)
class ConsegnaAdmin(admin.ModelAdmin):
    list_display = ["numero", "iscritto", "stato", "tentativi", "inviata_il"]
    list_filter = ["stato"]
    list_select_related = ["numero", "iscritto"]
    raw_id_fields = ["numero", "iscritto"]
    show_full_result_count = False


@admin.register(Pubblico)
class PubblicoAdmin(admin.ModelAdmin):
    list_display = ["nome", "codice", "ordine"]


@admin.register(GruppoRevisori)
class GruppoRevisoriAdmin(admin.ModelAdmin):
    """Saved lists of reviewers for the test sends (chosen on the issue's page)."""

    list_display = ["nome"]
    search_fields = ["nome", "indirizzi"]
