from django.urls import path

from . import views

urlpatterns = [
    path("two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/setup/", views.two_factor_enrol, name="two-factor-enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery-codes-renew"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
