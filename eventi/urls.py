from django.urls import path

from eventi.views import elenco, evento, festival, notizie, prenotazioni, prenotazioni_gestione, proposte

app_name = "eventi"

urlpatterns = [
    path("", festival.festival, name="festival"),
    path("edizioni/", festival.archivio, name="archivio"),
    path("edizioni/<int:anno>/", festival.edizione, name="edizione"),
    path("eventi/", elenco.elenco, name="elenco"),
    path("eventi/calendario/", elenco.calendario, name="calendario"),
    path("eventi.ics", elenco.feed_ics, name="feed_ics"),
    path("eventi/<slug:slug>/", evento.evento, name="evento"),
    path("eventi/<slug:slug>/calendario.ics", evento.evento_ics, name="evento_ics"),
    path("eventi/<slug:slug>/prenota/", prenotazioni.prenota, name="prenota"),
    path("prenotazioni/scuole/", prenotazioni.cerca_scuole, name="cerca_scuole"),
    path("prenotazioni/conferma/<str:token>/", prenotazioni.conferma, name="prenotazione_conferma"),
    path("prenotazioni/<str:token>/", prenotazioni.prenotazione, name="prenotazione"),
    path("gestione/<int:pk>/prenotazioni/", prenotazioni_gestione.prenotazioni, name="prenotazioni"),
    path("gestione/<int:pk>/prenotazioni.csv", prenotazioni_gestione.esporta_csv, name="prenotazioni_csv"),
    path("gestione/<int:pk>/prenotazioni.xlsx", prenotazioni_gestione.esporta_xlsx, name="prenotazioni_xlsx"),
    path("gestione/<int:pk>/messaggio/", prenotazioni_gestione.messaggio, name="prenotazioni_messaggio"),
    path("ingresso/<str:token>/", prenotazioni_gestione.ingresso, name="ingresso"),
    path("notizie/", notizie.notizie, name="notizie"),
    path("notizie/rss/", notizie.feed_rss, name="notizie_rss"),
    path("notizie/atom/", notizie.feed_atom, name="notizie_atom"),
    path("notizie/<slug:slug>/", notizie.notizia, name="notizia"),
    path("proponi/", proposte.proponi, name="proponi"),
    path("gestione/", proposte.gestione, name="gestione"),
    path("gestione/<int:pk>/modifica/", proposte.modifica, name="modifica"),
    path("gestione/<int:pk>/decisione/", proposte.decidi, name="decidi"),
]
