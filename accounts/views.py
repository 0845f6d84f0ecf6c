"""Account pages that differ from Django's own."""

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation, which also lifts a sign-in lockout: whoever proved they
    own the account's email address by setting a new password may sign in with it now."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
