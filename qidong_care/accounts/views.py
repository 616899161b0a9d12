from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from .sessions import end_sessions_of, session_rekeyed


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the forced change of an initial password and
    ends the user's other sessions (Django gives this session a new key; the map follows it)."""

    success_url = reverse_lazy("home")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        new_key = self.request.session.session_key
        session_rekeyed(old_key=old_key, new_key=new_key)
        user = form.user
        end_sessions_of(user, keep=new_key)
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_record(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=user, obj=user)
        messages.success(self.request, "密码已修改。")
        return response
