from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Child, Region

from ..choices import Finding, ReferralBody, ReferralSource, ReferralStatus


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        from registry.scope import scope_filter

        return self.filter(scope_filter(user))

    def open(self) -> "ReferralQuerySet":
        return self.exclude(status=ReferralStatus.CLOSED)

    def overdue(self, at: datetime) -> "ReferralQuerySet":
        """Overdue = the report is not made yet (待报告) and its deadline has passed. Once reported,
        the notice's deadline is met; what follows is the receiving body's work (处置中)."""
        return self.filter(status=ReferralStatus.PENDING, deadline__lt=at)

    def with_overdue_flag(self, at: datetime) -> "ReferralQuerySet":
        return self.annotate(
            is_overdue=models.Case(
                models.When(Q(status=ReferralStatus.PENDING, deadline__lt=at), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue_first(self, at: datetime) -> "ReferralQuerySet":
        """Overdue first, then the open ones by deadline, then the closed ones (DOMAIN.md)."""
        closed_last = models.Case(
            models.When(status=ReferralStatus.CLOSED, then=models.Value(1)),
            default=models.Value(0),
            output_field=models.IntegerField(),
        )
        return self.with_overdue_flag(at).order_by("-is_overdue", closed_last, "deadline", "id")


class Referral(models.Model):
    """One escalation of a finding to the body that must act (通知 二.4, DOMAIN.md "Escalation")."""

    child = models.ForeignKey(Child, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="referrals")
    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(_("发现的情况"), max_length=30, choices=Finding.choices)
    body = models.CharField(_("报告对象"), max_length=20, choices=ReferralBody.choices)
    source = models.CharField(_("来源"), max_length=10, choices=ReferralSource.choices)
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("走访记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    opened_at = models.DateTimeField(_("发现时间"))
    deadline = models.DateTimeField(_("报告期限"))
    status = models.CharField(_("状态"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_to = models.CharField(_("报告对象（单位、经办人）"), max_length=100, blank=True)
    receipt_no = models.CharField(_("回执或案件编号"), max_length=60, blank=True)
    progress_note = models.TextField(_("处置情况"), blank=True)
    outcome = models.TextField(_("办结结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 通知 二.4 (失学辍学): 通报其父母或监护人 — when and how, recorded.
    parents_notified_at = models.DateTimeField(_("通报父母或监护人时间"), null=True, blank=True)
    parents_notified_note = models.CharField(_("通报方式和对象"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["deadline", "id"]
        constraints = [
            # A second identical finding while the first is open does not open another referral.
            models.UniqueConstraint(
                fields=["child", "trigger"],
                condition=~Q(status=ReferralStatus.CLOSED),
                name="referral_one_open_per_trigger",
            )
        ]
        indexes = [
            models.Index(fields=["town", "status"], name="referral_town_status"),
            models.Index(fields=["status", "deadline"], name="referral_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} → {self.get_body_display()}"

    @property
    def is_high_risk(self) -> bool:
        from ..escalation.rules import is_high_risk

        return is_high_risk(self.trigger)

    def overdue_at(self, at: datetime) -> bool:
        return self.status == ReferralStatus.PENDING and self.deadline < at
