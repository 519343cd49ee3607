"""URLs of the reports (namespace "report"), mounted at /report/."""

from django.urls import path

from alternanza.report import views

app_name = "report"

urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("nuovo/", views.nuovo, name="nuovo"),
    path("cruscotto/", views.cruscotto, name="cruscotto"),
    path("cruscotto/progetti/", views.cruscotto_progetti, name="cruscotto_progetti"),
    path("cruscotto/<slug:nome>.<str:formato>", views.cruscotto_grafico, name="cruscotto_grafico"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/stato.json", views.stato, name="stato"),
    path("<int:pk>/scarica/", views.scarica, name="scarica"),
    path("<int:pk>/allegato/", views.allegato, name="allegato"),
    path("<int:pk>/rigenera/", views.rigenera, name="rigenera"),
    path("<int:pk>/invia/", views.invia, name="invia"),
    path("documento/<str:token>/", views.documento, name="documento"),
    path("documento/<str:token>/nuovo-link/", views.nuovo_link, name="nuovo_link"),
    path("pianificazioni/", views.pianificazioni, name="pianificazioni"),
    path("pianificazioni/nuova/", views.pianificazione, name="pianificazione_nuova"),
    path("pianificazioni/<int:pk>/", views.pianificazione, name="pianificazione"),
    path("organi/", views.organi, name="organi"),
    path("organi/nuovo/", views.organo, name="organo_nuovo"),
    path("organi/<int:pk>/", views.organo, name="organo"),
]
