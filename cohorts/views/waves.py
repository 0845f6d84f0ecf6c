"""Coordinators' invitation waves: define, preview, launch or schedule, pause, resume,
cancel, follow progress and retry failures."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, ListView

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.forms_waves import InvitationRecordForm, ScheduleForm, WaveForm
from cohorts.models import WaveStatus
from cohorts.selectors import wave_delivery, wave_progress, wave_targets, waves_in_scope
from cohorts.services.waves import (
    WaveError,
    invitation_record,
    wave_cancel,
    wave_create,
    wave_launch,
    wave_pause,
    wave_preview,
    wave_resume,
    wave_retry_failed,
)

MANAGE = "accounts.manage_cohorts"


class ScopedWaveMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE

    def get_queryset(self):
        return waves_in_scope(scope=self.scope).select_related("phase", "created_by")


class WaveListView(ScopedWaveMixin, ListView):
    template_name = "cohorts/waves/wave_list.html"
    context_object_name = "waves"
    paginate_by = 50


class WaveCreateView(ScopedWaveMixin, CreateView):
    template_name = "cohorts/waves/wave_form.html"
    form_class = WaveForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.scope}

    def get_context_data(self, **kwargs):
        return super().get_context_data(scope=self.scope, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            wave = wave_create(
                scope=self.scope,
                actor=self.request.user,
                name=data["name"],
                phase=data["phase"],
                local_authorities=data["local_authorities"],
                mhst_areas=data["mhst_areas"],
                type_groups=data["type_groups"],
                mhst_only=data["mhst_only"],
                rate_per_minute=data["rate_per_minute"],
                audience=data["audience"],
            )
        except WaveError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Wave saved as a draft. Check the preview, then launch."))
        return redirect("cohorts:wave-detail", pk=wave.pk)


class WaveDetailView(ScopedWaveMixin, DetailView):
    template_name = "cohorts/waves/wave_detail.html"
    context_object_name = "wave"

    def get_context_data(self, **kwargs):
        wave = self.object
        context = super().get_context_data(**kwargs)
        context["progress"] = wave_progress(wave=wave)
        context["delivery"] = wave_delivery(wave=wave)
        if wave.status != WaveStatus.CANCELLED:
            context["record_form"] = InvitationRecordForm()
        actions = {action.name: action for action in wave.next_actions}
        if actions.pop("launch", None):  # launched from the preview, with its send time
            context["preview"] = wave_preview(wave=wave)
            context["schedule_form"] = ScheduleForm()
        context["actions"] = [
            {
                "url": reverse(f"cohorts:wave-{action.name}", args=[wave.pk]),
                "label": action.label,
                "style": action.style,
            }
            for action in actions.values()
        ]
        context["in_progress"] = wave.status in (WaveStatus.SCHEDULED, WaveStatus.SENDING) or (
            context["delivery"]["pending"] > 0
        )
        return context


class WaveProgressView(ScopedWaveMixin, View):
    """The progress figures as JSON, for the page to refresh itself."""

    def get(self, request, pk):
        wave = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(
            {
                "status": wave.get_status_display(),
                **wave_progress(wave=wave),
                **wave_delivery(wave=wave),
            }
        )


class WaveActionView(ScopedWaveMixin, View):
    """POST only: one action on a wave in scope, through its service, then back to the
    wave with what happened. Each action is a subclass: its ``act`` says what it does."""

    http_method_names = ["post"]

    def act(self, wave):
        """Do the action; returns the message for the coordinator."""
        raise NotImplementedError

    def post(self, request, pk):
        wave = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            done = self.act(wave)
        except WaveError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("cohorts:wave-detail", pk=wave.pk)


class WaveLaunchView(WaveActionView):
    def act(self, wave):
        form = ScheduleForm(self.request.POST)
        if not form.is_valid():
            raise WaveError("Give the send time as a date and time, or leave it empty.")
        send_at = form.cleaned_data["send_at"]
        wave_launch(wave=wave, send_at=send_at)
        return _("Wave scheduled.") if send_at else _("Wave launched: sending now.")


class WavePauseView(WaveActionView):
    def act(self, wave):
        wave_pause(wave=wave)
        return _("Wave paused: no more invitations will be queued until you resume.")


class WaveResumeView(WaveActionView):
    def act(self, wave):
        wave_resume(wave=wave)
        return _("Wave resumed.")


class WaveCancelView(WaveActionView):
    def act(self, wave):
        cancelled = wave_cancel(wave=wave)
        return _("Wave cancelled; %(n)s unsent invitations were stopped.") % {"n": cancelled}


class WaveRetryView(WaveActionView):
    def act(self, wave):
        retried = wave_retry_failed(wave=wave)
        return _("%(n)s failed invitations queued again.") % {"n": retried}


class InvitationRecordView(WaveActionView):
    """A coordinator records an invitation made by phone, on paper or in person, for a
    school of a wave in their scope (the school must be one of the wave's, so in scope)."""

    def act(self, wave):
        form = InvitationRecordForm(self.request.POST)
        if not form.is_valid():
            raise WaveError("Give the school's URN and how you invited it.")
        establishment = wave_targets(wave=wave).filter(urn=form.cleaned_data["urn"]).first()
        if establishment is None:
            raise WaveError("No school of this wave has that URN.")
        invitation = invitation_record(
            scope=self.scope,
            actor=self.request.user,
            wave=wave,
            establishment=establishment,
            channel=form.cleaned_data["channel"],
        )
        return _("%(school)s recorded as invited (%(how)s).") % {
            "school": establishment.name,
            "how": invitation.get_channel_display().lower(),
        }
