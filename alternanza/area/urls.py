"""The reserved area's home (namespace "area"), mounted at /area-riservata/."""

from django.urls import path

from alternanza.area import importazioni, views

app_name = "area"

urlpatterns = [
    path("", views.home, name="home"),
    path("importazioni/<int:pk>/", importazioni.importazione, name="importazione"),
    path("importazioni/<int:pk>/stato.json", importazioni.stato, name="importazione_stato"),
    path("importazioni/<int:pk>/errori.csv", importazioni.errori, name="importazione_errori"),
]
