"""Under /members/: a member admin's sign-in actions on their people."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "<str:code>/people/<int:pk>/unlock/",
        views.person_unlock,
        name="member-person-unlock",
    ),
    path(
        "<str:code>/people/<int:pk>/two-factor-reset/",
        views.person_two_factor_reset,
        name="member-person-two-factor-reset",
    ),
]
