from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from qidong_care.accounts.roles import Capability

from .home import home_context
from .jobs import latest_runs
from .models import JobRun


def home(request):
    return render(request, "core/home.html", home_context(request.user))


def job_list(request):
    """Each scheduled job's last run and outcome, and the 50 most recent runs (administrators)."""
    if not request.user.can(Capability.VIEW_JOBS):
        raise PermissionDenied("只有系统管理员可以查看后台任务。")
    name = request.GET.get("name", "")
    runs = JobRun.objects.filter(name=name) if name else JobRun.objects.all()
    context = {"latest": latest_runs(), "runs": runs[:50], "name": name}
    return render(request, "core/job_list.html", context)
