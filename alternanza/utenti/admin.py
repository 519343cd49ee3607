"""Admin of the accounts area: roles (Incarico), invitations, sessions and the security log (read-only).

Approving roles belongs to the approval queue (utenti:richieste), which notifies the requester; the admin
is for corrections.
"""

from django.contrib import admin

from alternanza.utenti.models import EventoSicurezza, Invito, SessioneUtente
from distretti.models import Incarico


@admin.register(Incarico)
class IncaricoAdmin(admin.ModelAdmin):
    list_display = ["utente", "ruolo", "scuola", "distretto", "stato", "richiesto_il", "deciso_da_nome"]
    list_filter = ["ruolo", "stato", "distretto"]
    search_fields = [
        "utente__email",
        "utente__last_name",
        "scuola__codice_meccanografico",
        "scuola__denominazione",
    ]
    raw_id_fields = ["utente", "scuola", "deciso_da"]
    readonly_fields = ["richiesto_il", "deciso_il", "deciso_da_nome"]
    list_select_related = ["utente", "scuola", "distretto"]


@admin.register(Invito)
class InvitoAdmin(admin.ModelAdmin):
    list_display = ["email", "ruolo", "creato_da_nome", "creato_il", "usato_il"]
    list_filter = ["ruolo"]
    search_fields = ["email"]
    raw_id_fields = ["scuola", "organizzazione", "creato_da", "utente"]
    readonly_fields = ["creato_il", "usato_il", "utente", "creato_da_nome"]


@admin.register(SessioneUtente)
class SessioneUtenteAdmin(admin.ModelAdmin):
    list_display = ["utente", "creata_il", "ip"]
    search_fields = ["utente__email"]
    raw_id_fields = ["utente"]


class SoloLettura(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EventoSicurezza)
class EventoSicurezzaAdmin(SoloLettura):
    list_display = ["creato_il", "tipo", "utente", "identificativo", "ip", "percorso"]
    list_filter = ["tipo"]
    search_fields = ["identificativo", "percorso"]
    date_hierarchy = "creato_il"
