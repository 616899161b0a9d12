"""GET /healthz: is the database reachable, is the job broker reachable."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qidong_care.celery import app as celery_app


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any failure means "not reachable"; the type is the message
        return False, f"{type(exc).__name__}: {exc}"[:200]


def broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


@login_not_required
@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = database_ok()
    br_ok, br_detail = broker_ok()
    body = {
        "status": "ok" if db_ok and br_ok else "unavailable",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": br_ok, "detail": br_detail, "url": settings.CELERY_BROKER_URL.split("@")[-1]},
    }
    failing = [name for name, ok in (("database", db_ok), ("broker", br_ok)) if not ok]
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if not failing else 503, json_dumps_params={"ensure_ascii": False})
