from django.urls import path

from eventi.views import elenco, evento, festival, notizie, proposte

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
    path("notizie/", notizie.notizie, name="notizie"),
    path("notizie/rss/", notizie.feed_rss, name="notizie_rss"),
    path("notizie/atom/", notizie.feed_atom, name="notizie_atom"),
    path("notizie/<slug:slug>/", notizie.notizia, name="notizia"),
    path("proponi/", proposte.proponi, name="proponi"),
    path("gestione/", proposte.gestione, name="gestione"),
    path("gestione/<int:pk>/modifica/", proposte.modifica, name="modifica"),
    path("gestione/<int:pk>/decisione/", proposte.decidi, name="decidi"),
]
