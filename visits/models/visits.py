from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qidong_care.core.fields import EncryptedTextField
from registry.choices import ContactFrequency
from registry.models import Child, Region

from ..choices import (
    ContactMethod,
    Finding,
    Guardianship,
    MentalHealth,
    PhysicalHealth,
    RiskLevel,
    SafetyCheck,
    SchoolingState,
    Service,
    VisitKind,
    VisitMode,
)


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        """Visits of the children the user may see (registry.scope, on the copied town and village)."""
        from registry.scope import scope_filter

        return self.filter(scope_filter(user))

    def director_visits(self) -> "VisitQuerySet":
        """The visits that count for coverage: the children's director's monthly visit (通知 二.4)."""
        return self.filter(kind=VisitKind.DIRECTOR_MONTHLY)


def _safety_field(label: str) -> models.CharField:
    return models.CharField(label, max_length=10, choices=SafetyCheck.choices, default=SafetyCheck.OK)


class Visit(models.Model):
    """One visit to one child and its assessment (通知 二.4: 分类评估帮扶, 一月一访)."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="visits")
    # Copied from the child when the visit is recorded, so coverage counts are index scans per region.
    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("走访月份"), help_text=_("走访日期所在月份的第一天"))
    date = models.DateField(_("走访日期"))
    kind = models.CharField(_("走访方式"), max_length=20, choices=VisitKind.choices)
    mode = models.CharField(_("走访形式"), max_length=10, choices=VisitMode.choices)

    # Safety (通知 二.5: 全面排查生活居住环境): each item ok or a risk, with a note.
    safety_home = _safety_field(_("居住环境"))
    safety_home_note = models.CharField(_("居住环境说明"), max_length=200, blank=True)
    safety_fire = _safety_field(_("用火用电"))
    safety_fire_note = models.CharField(_("用火用电说明"), max_length=200, blank=True)
    safety_water = _safety_field(_("防溺水"))
    safety_water_note = models.CharField(_("防溺水说明"), max_length=200, blank=True)
    safety_traffic = _safety_field(_("交通安全"))
    safety_traffic_note = models.CharField(_("交通安全说明"), max_length=200, blank=True)

    guardianship = models.CharField(_("监护情况"), max_length=20, choices=Guardianship.choices)
    guardianship_note = EncryptedTextField(_("监护情况说明"))
    # Health findings are restricted (Capability.VIEW_RESTRICTED) and encrypted at rest.
    physical_health = models.CharField(_("身体健康"), max_length=20, choices=PhysicalHealth.choices)
    physical_health_note = EncryptedTextField(_("身体健康说明"))
    mental_health = models.CharField(_("心理健康"), max_length=20, choices=MentalHealth.choices)
    mental_health_note = EncryptedTextField(_("心理健康说明"))
    schooling = models.CharField(_("就学情况"), max_length=20, choices=SchoolingState.choices)
    schooling_note = models.CharField(_("就学情况说明"), max_length=200, blank=True)
    contact_methods = models.JSONField(_("亲情沟通方式"), default=list, blank=True)
    contact_frequency = models.CharField(_("亲情沟通频次"), max_length=20, choices=ContactFrequency.choices, blank=True)

    needs = models.TextField(_("儿童和家庭的需求"), blank=True)
    findings = models.JSONField(_("需转介的发现"), default=list, blank=True)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    services = models.JSONField(_("安排的服务"), default=list, blank=True)
    notes = EncryptedTextField(_("备注"))
    archive_changes = models.JSONField(_("同时更新的档案内容"), default=list, blank=True)

    # A token the browser generates for each form: a visit re-sent after a lost answer is saved once.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["client_token"])

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["town", "month"], name="visit_town_month"),
            models.Index(fields=["village", "month"], name="visit_village_month"),
            models.Index(fields=["child", "month"], name="visit_child_month"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def safety_items(self) -> list[tuple[str, str, str]]:
        """(label, value, note) of the four safety checks, for display."""
        names = ("safety_home", "safety_fire", "safety_water", "safety_traffic")
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name), getattr(self, f"{name}_note"))
            for name in names
        ]

    @property
    def finding_labels(self) -> list[str]:
        return [str(Finding(code).label) for code in self.findings if code in Finding.values]

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.services if code in Service.values]

    @property
    def contact_method_labels(self) -> list[str]:
        return [str(ContactMethod(code).label) for code in self.contact_methods if code in ContactMethod.values]

    @property
    def safety_risks(self) -> int:
        return sum(1 for _label, value, _note in self.safety_items if value == SafetyCheck.RISK)


def photo_path(instance: "VisitPhoto", filename: str) -> str:
    """A random name under visit_photos/ (never the uploaded name: it may carry personal data)."""
    import uuid

    extension = "png" if instance.content_type == "image/png" else "jpg"
    return f"visit_photos/{instance.visit.month:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class VisitPhoto(models.Model):
    """A photo taken on a visit. Stored outside the static and media URLs; served only through the
    scoped view `visits:photo`."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"走访照片 {self.pk}"
