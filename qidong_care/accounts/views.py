from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the forced change of an initial password."""

    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_record(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=user, obj=user)
        messages.success(self.request, "密码已修改。")
        return response
