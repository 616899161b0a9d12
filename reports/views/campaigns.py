"""Campaigns (专项活动): the bureau manages them; everyone with reports sees progress in their towns."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from qidong_care.accounts.roles import Capability

from ..access import require, require_reports, towns_of
from ..forms import CampaignForm, DeadlineFormSet
from ..models import Campaign
from ..services.campaigns import campaign_progress, campaign_save


def campaign_list(request):
    require_reports(request.user)
    campaigns = Campaign.objects.prefetch_related("deadlines")
    can_manage = request.user.can(Capability.MANAGE_CAMPAIGNS)
    return render(request, "reports/campaign_list.html", {"campaigns": campaigns, "can_manage": can_manage})


def campaign_detail(request, pk: int):
    require_reports(request.user)
    campaign = get_object_or_404(Campaign.objects.prefetch_related("deadlines"), pk=pk)
    today = timezone.localdate()
    progress = campaign_progress(campaign, towns=list(towns_of(request.user)), today=today)
    deadlines = list(campaign.deadlines.all())
    upcoming = next((d for d in deadlines if d.due_on >= today), None)
    rows = [{"progress": p, "done": p.done_for(upcoming.kind) if upcoming else None} for p in progress]
    context = {
        "campaign": campaign,
        "deadlines": deadlines,
        "upcoming": upcoming,
        "rows": rows,
        "today": today,
        "can_manage": request.user.can(Capability.MANAGE_CAMPAIGNS),
    }
    return render(request, "reports/campaign_detail.html", context)


def _deadline_initial(campaign: Campaign | None) -> list[dict]:
    if campaign is None:
        return []
    return [{"kind": d.kind, "name": d.name, "due_on": d.due_on} for d in campaign.deadlines.all()]


def _edit(request, campaign: Campaign | None):
    require(request.user, Capability.MANAGE_CAMPAIGNS, "只有市民政局可以管理专项活动。")
    initial = {"name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on} if campaign else {}
    if campaign is not None:
        initial["note"] = campaign.note
    form = CampaignForm(request.POST or None, initial=initial)
    formset = DeadlineFormSet(request.POST or None, initial=_deadline_initial(campaign), prefix="deadlines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        deadlines = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            saved = campaign_save(user=request.user, campaign=campaign, data=form.cleaned_data, deadlines=deadlines)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
        else:
            messages.success(request, f"已保存专项活动“{saved.name}”。")
            return redirect("reports:campaign_detail", saved.pk)
    return render(request, "reports/campaign_form.html", {"form": form, "formset": formset, "campaign": campaign})


def campaign_create(request):
    return _edit(request, None)


def campaign_edit(request, pk: int):
    return _edit(request, get_object_or_404(Campaign, pk=pk))
