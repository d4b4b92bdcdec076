from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("hits/", views.hit_list, name="hits"),
    path("hits/<int:pk>/", views.hit_action, name="hit-action"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("watchlist/<int:pk>/delete/", views.watch_entry_delete, name="watch-delete"),
    path("lookup/", views.lookup, name="lookup"),
    path("exclusions/", views.exclusion_list, name="exclusions"),
    path("exclusions/<int:pk>/delete/", views.exclusion_remove, name="exclusion-delete"),
    path("national-reports/", views.national_setting, name="national"),
]
