from django.contrib.auth import views as auth_views
from django.urls import path

from . import audit_views, views
from . import auth_views as audited_auth_views
from .forms import PortalAuthenticationForm, PortalPasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    # Before django.contrib.auth.urls: a clear message for people of a suspended member.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    # Before django.contrib.auth.urls (included under accounts/): invited people may reset too.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        audited_auth_views.AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        audited_auth_views.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("members/", views.directory, name="directory"),
    path("members/onboard/", views.onboard, name="member-onboard"),
    path("members/audit/", audit_views.audit_list, name="audit"),
    path("members/audit/export.csv", audit_views.audit_export, name="audit-export"),
    path("members/<str:code>/", views.member_detail, name="member-detail"),
    path("members/<str:code>/suspend/", views.member_suspend, name="member-suspend"),
    path("members/<str:code>/reinstate/", views.member_reinstate, name="member-reinstate"),
    path("members/<str:code>/people/", views.people, name="member-people"),
    path("members/<str:code>/people/new/", views.person_edit, name="member-person-new"),
    path("members/<str:code>/people/<int:pk>/", views.person_edit, name="member-person-edit"),
    path(
        "members/<str:code>/people/<int:pk>/invite/",
        views.person_invite,
        name="member-person-invite",
    ),
    path(
        "members/<str:code>/release-policy/",
        views.release_policy,
        name="member-release-policy",
    ),
    path("releases/", views.release_queue, name="release-queue"),
    path("releases/<str:kind>/<int:item_id>/", views.release_item, name="release-item"),
    path(
        "releases/<str:kind>/<int:item_id>/release/",
        views.release_item_release,
        name="release-item-release",
    ),
    path(
        "releases/<str:kind>/<int:item_id>/return/",
        views.release_item_return,
        name="release-item-return",
    ),
    path("members/<str:code>/units/", views.units, name="member-units"),
    path("members/<str:code>/units/new/", views.unit_edit, name="member-unit-new"),
    path("members/<str:code>/units/<str:unit_code>/", views.unit_edit, name="member-unit-edit"),
]
