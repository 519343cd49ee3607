"""Django admin of the network: a fallback for staff; the everyday work happens in the portal's forms."""

from django.contrib import admin

from partnership.models import (
    Accordo,
    AreaS3,
    Convenzione,
    DocumentoAccordo,
    InteresseOfferta,
    OffertaOspitalita,
    Organizzazione,
    Partnership,
    ReferenteOrganizzazione,
)


@admin.register(AreaS3)
class AreaS3Admin(admin.ModelAdmin):
    list_display = ["nome", "slug", "prioritaria", "ordine"]
    list_editable = ["prioritaria", "ordine"]
    prepopulated_fields = {"slug": ["nome"]}


@admin.register(Organizzazione)
class OrganizzazioneAdmin(admin.ModelAdmin):
    list_display = [
        "nome",
        "tipo",
        "codice_fiscale",
        "codice_ateco",
        "comune",
        "pubblica",
        "partner_istituzionale",
    ]
    list_filter = ["tipo", "pubblica", "partner_istituzionale", "sezione_ateco", "aree_s3", "demo"]
    search_fields = ["nome", "codice_fiscale", "codice_ateco"]
    list_select_related = ["comune"]
    autocomplete_fields = ["comune"]
    filter_horizontal = ["aree_s3"]
    readonly_fields = ["sezione_ateco", "creata_il", "aggiornata_il"]
    show_full_result_count = False


@admin.register(ReferenteOrganizzazione)
class ReferenteOrganizzazioneAdmin(admin.ModelAdmin):
    list_display = ["utente", "organizzazione", "stato", "richiesto_il"]
    list_filter = ["stato"]
    search_fields = ["utente__email", "organizzazione__nome"]
    raw_id_fields = ["utente", "organizzazione", "deciso_da"]
    list_select_related = ["utente", "organizzazione"]


class DocumentoInline(admin.TabularInline):
    model = DocumentoAccordo
    extra = 0


@admin.register(Accordo)
class AccordoAdmin(admin.ModelAdmin):
    list_display = ["titolo", "tipo", "stato", "data_firma", "valido_al"]
    list_filter = ["tipo", "stato", "distretti"]
    search_fields = ["titolo", "note"]
    raw_id_fields = ["organizzazioni", "scuole"]
    filter_horizontal = ["distretti"]
    inlines = [DocumentoInline]


@admin.register(Convenzione)
class ConvenzioneAdmin(admin.ModelAdmin):
    list_display = ["__str__", "numero", "data_firma", "scadenza", "promemoria_inviato_il"]
    list_filter = ["scadenza"]
    search_fields = ["numero", "scuola__denominazione", "organizzazione__nome"]
    raw_id_fields = ["scuola", "organizzazione"]
    list_select_related = ["scuola", "organizzazione"]
    date_hierarchy = "scadenza"


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["titolo", "livello", "stato", "data_inizio", "data_fine", "pubblicata"]
    list_filter = ["livello", "stato", "pubblicata", "distretti", "ambiti"]
    search_fields = ["titolo", "descrizione"]
    raw_id_fields = ["scuole", "organizzazioni", "promotore_scuola", "promotore_organizzazione"]
    filter_horizontal = ["distretti", "ambiti"]
    prepopulated_fields = {"slug": ["titolo"]}
    show_full_result_count = False


@admin.register(OffertaOspitalita)
class OffertaAdmin(admin.ModelAdmin):
    list_display = ["titolo", "organizzazione", "posti", "data_inizio", "data_fine", "attiva"]
    list_filter = ["attiva", "area_s3"]
    search_fields = ["titolo", "organizzazione__nome"]
    raw_id_fields = ["organizzazione"]
    list_select_related = ["organizzazione"]


@admin.register(InteresseOfferta)
class InteresseAdmin(admin.ModelAdmin):
    list_display = ["offerta", "scuola", "studenti", "creato_il"]
    raw_id_fields = ["offerta", "scuola", "utente"]
    list_select_related = ["offerta", "scuola"]
