from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification


def notification_list(request):
    notices = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@require_POST
def notification_open(request, pk: int):
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    safe = notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if safe else "notifications:list")


@require_POST
def notification_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:list")
