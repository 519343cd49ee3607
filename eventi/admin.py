from django import forms
from django.contrib import admin

from alternanza.core.immagini import ricodifica
from eventi.date import BaseFormDate
from eventi.models import REGOLE_IMMAGINE, DataEvento, Edizione, Evento, Notizia, TransizioneEvento


class ImmagineVerificata(forms.ModelForm):
    """Uploads through the admin are checked and re-encoded like those of the public form."""

    def clean_immagine(self):
        immagine = self.cleaned_data.get("immagine")
        if immagine and hasattr(immagine, "content_type"):
            return ricodifica(immagine, REGOLE_IMMAGINE)
        return immagine


@admin.register(Edizione)
class EdizioneAdmin(admin.ModelAdmin):
    form = ImmagineVerificata
    list_display = ["anno", "titolo", "data_inizio", "data_fine", "stato"]
    list_filter = ["stato"]


class DataEventoInline(admin.TabularInline):
    model = DataEvento
    formset = BaseFormDate  # each date inside the event's edition, as on the public form
    extra = 1


class TransizioneInline(admin.TabularInline):
    """The decisions on the event (eventi.workflow): read only, they are its history."""

    model = TransizioneEvento
    readonly_fields = ("creata_il", "utente_nome", "da_stato", "a_stato", "nota")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evento)
class EventoAdmin(admin.ModelAdmin):
    form = ImmagineVerificata
    list_display = ["titolo", "inizio", "comune", "stato", "edizione"]
    list_filter = ["stato", "tipo", "edizione", "distretto"]
    search_fields = ["titolo", "slug"]
    prepopulated_fields = {"slug": ["titolo"]}
    raw_id_fields = [
        "scuole",
        "organizzazioni",
        "proposto_da",
        "deciso_da",
        "scuola_proponente",
        "organizzazione_proponente",
    ]
    filter_horizontal = ["pubblici", "ambiti"]
    inlines = [DataEventoInline, TransizioneInline]
    list_select_related = ["comune"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        evento = form.instance
        if not evento.date.exists():
            DataEvento.objects.create(evento=evento, inizio=evento.inizio, fine=evento.fine)
        evento.ricalcola_periodo()


@admin.register(Notizia)
class NotiziaAdmin(admin.ModelAdmin):
    form = ImmagineVerificata
    list_display = ["titolo", "data_pubblicazione", "pubblicata", "edizione"]
    list_filter = ["pubblicata", "edizione"]
    search_fields = ["titolo"]
    prepopulated_fields = {"slug": ["titolo"]}
