"""Meeting pages: schedule, change and cancel a meeting, its invite list, its page (invite
list, attendance, notes and their revisions), the register, the notes, and its .ics."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from accounts.mixins import user_may_open
from core.errors import LinkDomainError
from facilitation.forms import (
    InviteListForm,
    MeetingForm,
    MeetingScheduleForm,
    NotesForm,
    ReasonForm,
)
from facilitation.ics import meeting_calendar
from facilitation.models import GoalStatus, Progress
from facilitation.selectors import meeting_detail, sector_mix
from facilitation.selectors_plans import review_goals
from facilitation.services.meetings import (
    meeting_attendance_mark,
    meeting_cancel,
    meeting_invites_set,
    meeting_notes_save,
    meeting_schedule,
    meeting_update,
)
from facilitation.views.mixins import RUN, ScopedEngagementMixin
from workshops.services import WorkshopDetails


def _details(data) -> WorkshopDetails:
    return WorkshopDetails(
        date=data["date"],
        start_time=data["start_time"],
        end_time=data["end_time"],
        joining_link=data["joining_link"],
    )


class MeetingCreateView(ScopedEngagementMixin, FormView):
    template_name = "facilitation/meeting_form.html"
    form_class = MeetingScheduleForm
    initial = {"start_time": "10:00", "end_time": "12:00", "everyone": "yes"}

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.engagement = self.get_engagement()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        stakeholders = self.engagement.stakeholders.order_by("name", "pk")
        return {**super().get_form_kwargs(), "stakeholders": stakeholders}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "engagement": self.engagement}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = meeting_schedule(
                engagement=self.engagement,
                kind=data["kind"],
                details=_details(data),
                agenda=data["agenda"],
                invitees=None if data["everyone"] else data["invitees"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The meeting is set; those invited will be sent it.")
        return HttpResponseRedirect(self.meeting_url(meeting))


class CancelledStaysMixin:
    """A view that changes a meeting: a cancelled one is not changed, and says so."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.meeting = self.get_meeting()
        self.engagement = self.meeting.engagement
        if self.meeting.is_cancelled:
            messages.error(request, "This meeting is cancelled: it stays as it was.")
            return HttpResponseRedirect(self.meeting_url(self.meeting))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "engagement": self.engagement,
            "meeting": self.meeting,
        }


class MeetingEditView(CancelledStaysMixin, ScopedEngagementMixin, FormView):
    template_name = "facilitation/meeting_form.html"
    form_class = MeetingForm

    def get_initial(self):
        session = self.meeting.workshop
        return {
            "kind": self.meeting.kind,
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "joining_link": session.joining_link,
            "agenda": self.meeting.agenda,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting_update(
                meeting=self.meeting,
                kind=data["kind"],
                details=_details(data),
                agenda=data["agenda"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The meeting is saved; anyone told other details is told.")
        return HttpResponseRedirect(self.meeting_url(self.meeting))


class MeetingInvitesView(CancelledStaysMixin, ScopedEngagementMixin, FormView):
    """Who is invited to a meeting still to come: those added are sent the invitation,
    those taken off a notice that they are no longer needed."""

    permission_required = RUN
    template_name = "facilitation/meeting_invites.html"
    form_class = InviteListForm

    def get_form_kwargs(self):
        self.stakeholders = list(self.engagement.stakeholders.order_by("name", "pk"))
        return {**super().get_form_kwargs(), "stakeholders": self.stakeholders}

    def get_initial(self):
        on_list = self.meeting.invites.filter(removed_at__isnull=True)
        return {
            "everyone": "yes" if self.meeting.invite_all else "no",
            "invitees": list(on_list.values_list("stakeholder_id", flat=True)),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invited = set(self.get_initial()["invitees"])
        context["mix"] = sector_mix([s for s in self.stakeholders if s.pk in invited])
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            added, removed = meeting_invites_set(
                meeting=self.meeting,
                everyone=data["everyone"],
                invitees=data["invitees"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        told = [
            f"{added} added, each sent the invitation" if added else "",
            f"{removed} taken off, each told they are no longer needed" if removed else "",
        ]
        if added or removed:
            said = "; ".join(part for part in told if part)
            messages.success(self.request, f"The invite list is saved: {said}.")
        else:
            messages.info(self.request, "No one was added or taken off; no one is told anything.")
        return HttpResponseRedirect(self.meeting_url(self.meeting))


class MeetingCancelView(CancelledStaysMixin, ScopedEngagementMixin, FormView):
    """Cancel a meeting still to come, saying why; everyone sent it is told."""

    permission_required = RUN
    template_name = "facilitation/meeting_cancel.html"
    form_class = ReasonForm

    def form_valid(self, form):
        try:
            meeting_cancel(
                meeting=self.meeting, reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The meeting is cancelled; everyone sent it will be told.")
        return HttpResponseRedirect(self.meeting_url(self.meeting))


class MeetingDetailView(ScopedEngagementMixin, View):
    permission_required = RUN
    template_name = "facilitation/meeting_detail.html"

    def get(self, request, pk, notes_form=None):
        meeting = self.get_meeting()
        today = timezone.localdate()
        from facilitation.views import ACTIONS

        can = {name: user_may_open(request.user, view) for name, view in ACTIONS.items()}
        context = {
            "meeting": meeting,
            "engagement": meeting.engagement,
            **meeting_detail(meeting=meeting),
            "goals": review_goals(meeting=meeting) if meeting.kind == "review" else [],
            "status_choices": GoalStatus.choices,
            "progress_choices": Progress.choices,
            "notes_form": notes_form or NotesForm(initial={"notes": meeting.notes}),
            "happened": meeting.workshop.date <= today and not meeting.is_cancelled,
            "upcoming": meeting.workshop.date >= today and not meeting.is_cancelled,
            "can": can,
        }
        return render(request, self.template_name, context)


class MeetingNotesView(MeetingDetailView):
    """POST: save the notes (a new revision); a refusal is shown on the meeting's page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = self.get_meeting()
        form = NotesForm(request.POST)
        if form.is_valid():
            try:
                meeting_notes_save(
                    meeting=meeting, notes=form.cleaned_data["notes"], actor=request.user
                )
            except LinkDomainError as error:
                form.add_error("notes", error.message)
            else:
                messages.success(request, "The notes are saved.")
                return HttpResponseRedirect(self.meeting_url(meeting))
        return self.get(request, pk, notes_form=form)


class MeetingAttendanceView(ScopedEngagementMixin, View):
    """POST: the register: ticked = present, unticked = absent."""

    permission_required = RUN
    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = self.get_meeting()
        try:
            ids = {int(value) for value in request.POST.getlist("present")}
            present = meeting_attendance_mark(meeting=meeting, present_ids=ids, actor=request.user)
        except ValueError:
            messages.error(request, "The register could not be read; nothing was saved.")
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Attendance is saved: {present} present.")
        return HttpResponseRedirect(self.meeting_url(meeting))


class MeetingCalendarView(ScopedEngagementMixin, View):
    permission_required = RUN

    def get(self, request, pk):
        meeting = self.get_meeting()
        body = meeting_calendar(meeting=meeting, cancel=meeting.is_cancelled)
        response = HttpResponse(body, content_type="text/calendar")
        response["Content-Disposition"] = 'attachment; filename="link-meeting.ics"'
        return response


class MeetingReviewView(ScopedEngagementMixin, View):
    """POST: a review meeting records each goal's progress and status (one row per goal,
    ``progress-<id>`` and ``status-<id>``); all or nothing."""

    permission_required = RUN
    http_method_names = ["post"]

    def post(self, request, pk):
        from django.db import transaction

        from facilitation.models import Goal
        from facilitation.services.plans import goal_review_record

        meeting = self.get_meeting()
        if meeting.is_cancelled:
            messages.error(request, "This meeting is cancelled: nothing was recorded.")
            return HttpResponseRedirect(self.meeting_url(meeting))
        goals = Goal.objects.filter(priority__engagement=meeting.engagement).select_related(
            "priority"
        )
        try:
            with transaction.atomic():
                for goal in goals:
                    progress = request.POST.get(f"progress-{goal.pk}", "")
                    if progress == "":
                        continue
                    goal_review_record(
                        meeting=meeting,
                        goal=goal,
                        progress=int(progress),
                        status=request.POST.get(f"status-{goal.pk}", goal.status),
                        note=" ".join(request.POST.get(f"note-{goal.pk}", "").split())[:300],
                        actor=request.user,
                    )
        except ValueError:
            messages.error(request, "The review could not be read; nothing was saved.")
        except LinkDomainError as error:
            messages.error(request, f"Nothing was saved: {error.message}")
        else:
            messages.success(request, "Each goal's progress is recorded.")
        return HttpResponseRedirect(self.meeting_url(meeting))
