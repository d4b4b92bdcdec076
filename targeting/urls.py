from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.profile_create, name="create"),
    path("settings/", views.random_rate, name="settings"),
    path("<int:pk>/", views.profile_detail, name="detail"),
    path("<int:pk>/edit/", views.profile_edit, name="edit"),
    path("<int:pk>/backtest/", views.profile_backtest, name="backtest"),
    path("<int:pk>/activate/", views.profile_activate, name="activate"),
    path("<int:pk>/delete/", views.profile_delete, name="delete"),
    path("<int:pk>/versions/<int:number>/restore/", views.profile_restore, name="restore"),
]
