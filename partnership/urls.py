"""URLs of the partnership network (mounted at /rete/)."""

from django.urls import path

from partnership.views import convenzioni, gestione, offerte, proposte, pubblico, scelta, ufficio

app_name = "partnership"

urlpatterns = [
    # Public
    path("", pubblico.organizzazioni, name="organizzazioni"),
    path("organizzazioni/<slug:slug>/", pubblico.organizzazione, name="organizzazione"),
    path("partnership/", pubblico.partnership_pubbliche, name="partnership_pubbliche"),
    path("partnership/<slug:slug>/", pubblico.partnership, name="partnership"),
    # The organisations autocomplete of the forms
    path("cerca/organizzazioni/", scelta.cerca_organizzazioni, name="cerca_organizzazioni"),
    # Hosts a school does not find: proposed by a coordinator, checked by the district office
    path("organizzazioni-proposte/nuova/", proposte.proponi, name="proponi_organizzazione"),
    path("ufficio/da-verificare/", proposte.da_verificare, name="da_verificare"),
    path("ufficio/da-verificare/<int:pk>/correggi/", proposte.correggi, name="proposta_correggi"),
    path("ufficio/da-verificare/<int:pk>/conferma/", proposte.conferma, name="proposta_conferma"),
    path("ufficio/da-verificare/<int:pk>/unisci/", proposte.unisci, name="proposta_unisci"),
    # District offices and staff
    path("ufficio/organizzazioni/", ufficio.organizzazioni, name="ufficio_organizzazioni"),
    path(
        "ufficio/organizzazioni/export.<str:formato>",
        ufficio.organizzazioni_export,
        name="ufficio_organizzazioni_export",
    ),
    path("ufficio/partnership/", ufficio.partnership, name="ufficio_partnership"),
    path(
        "ufficio/partnership/export.<str:formato>",
        ufficio.partnership_export,
        name="ufficio_partnership_export",
    ),
    path("ufficio/accordi/", ufficio.accordi, name="ufficio_accordi"),
    path("ufficio/accordi/export.<str:formato>", ufficio.accordi_export, name="ufficio_accordi_export"),
    # Management
    path("gestione/organizzazioni/nuova/", gestione.organizzazione_nuova, name="organizzazione_nuova"),
    path("gestione/organizzazioni/importa/", gestione.importa, name="importa_organizzazioni"),
    path(
        "organizzazioni/<slug:slug>/modifica/",
        gestione.organizzazione_modifica,
        name="organizzazione_modifica",
    ),
    path("accordi/nuovo/", gestione.accordo_nuovo, name="accordo_nuovo"),
    path("accordi/<int:pk>/", gestione.accordo, name="accordo"),
    path("accordi/<int:pk>/modifica/", gestione.accordo_modifica, name="accordo_modifica"),
    path("accordi/<int:pk>/documenti/<int:documento>/", gestione.documento_accordo, name="documento_accordo"),
    path("gestione/partnership/nuova/", gestione.partnership_nuova, name="partnership_nuova"),
    path("partnership/<slug:slug>/modifica/", gestione.partnership_modifica, name="partnership_modifica"),
    # Convenzioni
    path("convenzioni/", convenzioni.elenco, name="convenzioni"),
    path("convenzioni/nuova/", convenzioni.nuova, name="convenzione_nuova"),
    path("convenzioni/<int:pk>/", convenzioni.dettaglio, name="convenzione"),
    path("convenzioni/<int:pk>/modifica/", convenzioni.modifica, name="convenzione_modifica"),
    path("convenzioni/<int:pk>/file/<str:campo>/", convenzioni.file, name="convenzione_file"),
    # Offers of placements
    path("offerte/", offerte.elenco, name="offerte"),
    path("offerte/nuova/", offerte.nuova, name="offerta_nuova"),
    path("offerte/<int:pk>/", offerte.dettaglio, name="offerta"),
    path("offerte/<int:pk>/modifica/", offerte.modifica, name="offerta_modifica"),
    path(
        "offerte/<int:pk>/interessi/<int:interesse>/<str:decisione>/",
        offerte.decidi,
        name="interesse_decidi",
    ),
    path("mia-organizzazione/", offerte.mia_organizzazione, name="mia_organizzazione"),
]
