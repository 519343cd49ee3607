"""URLs of projects, network actions, models library and open data (mounted at /progetti/)."""

from django.urls import path

from alternanza.progetti.views import dati, rete, scuola, ufficio, valutazioni, vetrina

app_name = "progetti"

urlpatterns = [
    # Public showcase
    path("", vetrina.vetrina, name="vetrina"),
    path("<int:pk>/", vetrina.progetto, name="progetto"),
    # School coordinators
    path("miei/", scuola.miei, name="miei"),
    path("nuovo/", scuola.nuovo, name="nuovo"),
    path("<int:pk>/modifica/", scuola.modifica, name="modifica"),
    path("<int:pk>/stato/<slug:azione>/", scuola.transizione, name="transizione"),
    path("<int:pk>/copia/", scuola.copia, name="copia"),
    path("<int:pk>/allegati/", scuola.allegati, name="allegati"),
    path(
        "<int:pk>/allegati/<slug:tipo>/<int:allegato>/elimina/",
        scuola.elimina_allegato,
        name="elimina_allegato",
    ),
    path("<int:pk>/documenti/<int:documento>/", scuola.documento, name="documento"),
    path(
        "<int:pk>/ospiti/<int:partecipazione>/valutazione/",
        valutazioni.richiedi,
        name="richiedi_valutazione",
    ),
    # Host organisations, from the mailed link (no account)
    path("valutazione/<str:token>/", valutazioni.compila, name="valutazione_ospitante"),
    # District offices
    path("revisione/", ufficio.revisione, name="revisione"),
    # Network actions and the models library
    path("azioni/", rete.azioni, name="azioni"),
    path("azioni/nuova/", rete.azione_nuova, name="azione_nuova"),
    path("azioni/<int:pk>/", rete.azione, name="azione"),
    path("azioni/<int:pk>/modifica/", rete.azione_modifica, name="azione_modifica"),
    path("azioni/<int:pk>/assistenza/", rete.assistenza_nuova, name="assistenza_nuova"),
    path("modelli/", rete.modelli, name="modelli"),
    path("modelli/<int:pk>/", rete.modello, name="modello"),
    path("modelli/<int:pk>/adotta/", rete.adotta, name="adotta"),
    path("modelli/<int:pk>/pubblica/", rete.modello_pubblica, name="modello_pubblica"),
    path("modelli/da-progetto/<int:pk>/", rete.modello_da_progetto, name="modello_da_progetto"),
    path("modelli/da-azione/<int:pk>/", rete.modello_da_azione, name="modello_da_azione"),
    # Open data (stable URLs)
    path("dati/", dati.dati, name="dati"),
    path("dati/progetti.csv", dati.dati_progetti_csv, name="dati_progetti_csv"),
    path("dati/progetti.json", dati.dati_progetti_json, name="dati_progetti_json"),
    path("dati/partnership.csv", dati.dati_partnership_csv, name="dati_partnership_csv"),
    path("dati/partnership.json", dati.dati_partnership_json, name="dati_partnership_json"),
    path("dati/indicatori.csv", dati.dati_indicatori_csv, name="dati_indicatori_csv"),
    path("dati/indicatori.json", dati.dati_indicatori_json, name="dati_indicatori_json"),
    path("dati/datapackage.json", dati.datapackage, name="datapackage"),
    path("dati/catalogo.rdf", dati.catalogo_dcat, name="catalogo_dcat"),
]
