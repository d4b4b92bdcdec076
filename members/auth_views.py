"""django.contrib.auth's password views, recording their outcome in the audit trail."""

from django.contrib.auth import views as auth_views
from django.db import transaction

from .audit import audit_record


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(action="auth.password_change", request=self.request, obj=form.user)
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Following a set-password link: for someone who never had a password it is an accepted
    invitation, otherwise a password reset."""

    def form_valid(self, form):
        accepted_invitation = not self.user.has_usable_password()
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                action="invitation.accept" if accepted_invitation else "auth.password_reset",
                actor=self.user,
                request=self.request,
                obj=self.user,
                members=[self.user.member] if self.user.member_id else [],
            )
        return response
