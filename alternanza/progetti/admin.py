"""Django admin of projects and network actions: a fallback for staff (the work happens in the portal).

Found by the admin autodiscovery (`alternanza.progetti.admin`).
"""

from django.contrib import admin

from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    DocumentoProgetto,
    FotoProgetto,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    TransizioneProgetto,
)


class PartecipazioneInline(admin.TabularInline):
    model = ProgettoOrganizzazione
    raw_id_fields = ["organizzazione"]
    extra = 0


class TransizioneInline(admin.TabularInline):
    model = TransizioneProgetto
    readonly_fields = ("creata_il", "utente_nome", "da_stato", "a_stato", "nota")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Progetto)
class ProgettoAdmin(admin.ModelAdmin):
    list_display = [
        "titolo",
        "scuola",
        "distretto",
        "anno_scolastico",
        "stato",
        "consenso_vetrina",
        "aggiornato_il",
    ]
    list_filter = ["stato", "anno_scolastico", "distretto", "consenso_vetrina", "demo"]
    search_fields = ["titolo", "scuola__denominazione", "scuola__codice_meccanografico"]
    list_select_related = ["scuola", "distretto"]
    raw_id_fields = ["scuola", "partnership", "creato_da", "copiato_da"]
    filter_horizontal = ["ambiti", "aree_s3", "comuni"]
    # The status moves only through the workflow (permission-checked, recorded, e-mailed).
    readonly_fields = ["stato", "distretto", "creato_il", "aggiornato_il", "pubblicato_il"]
    inlines = [PartecipazioneInline, TransizioneInline]
    show_full_result_count = False


@admin.register(DocumentoProgetto)
class DocumentoProgettoAdmin(admin.ModelAdmin):
    list_display = ["titolo", "progetto", "tipo_mime", "dimensione", "pubblico"]
    raw_id_fields = ["progetto"]


@admin.register(FotoProgetto)
class FotoProgettoAdmin(admin.ModelAdmin):
    list_display = ["testo_alternativo", "progetto", "larghezza", "altezza"]
    raw_id_fields = ["progetto"]


class AssistenzaInline(admin.TabularInline):
    model = AssistenzaTecnica
    extra = 0
    raw_id_fields = ["registrata_da"]


@admin.register(AzioneDiRete)
class AzioneDiReteAdmin(admin.ModelAdmin):
    list_display = ["titolo", "livello", "promotore", "stato", "data_inizio", "pubblica"]
    list_filter = ["livello", "promotore", "stato", "pubblica", "demo"]
    search_fields = ["titolo"]
    raw_id_fields = ["progetti", "promotore_organizzazione", "creata_da"]
    filter_horizontal = ["distretti", "ambiti", "partnership"]
    inlines = [AssistenzaInline]


class AdozioneInline(admin.TabularInline):
    model = AdozioneModello
    extra = 0
    raw_id_fields = ["registrata_da"]


@admin.register(ModelloIntervento)
class ModelloInterventoAdmin(admin.ModelAdmin):
    list_display = ["titolo", "distretto", "pubblicato"]
    list_filter = ["pubblicato", "distretto"]
    search_fields = ["titolo"]
    raw_id_fields = ["progetto", "azione", "creato_da"]
    filter_horizontal = ["ambiti"]
    inlines = [AdozioneInline]
