"""Care agreements (委托照护协议, 通知 二.2: 逐人签订委托照护协议书 … 全覆盖).

One agreement per child, kept up to date through its lifecycle (未签订 → 已签订 → 需重签 → 已签订 …,
or 已终止 when the child leaves the roster); every change is kept in its history, so earlier
signings, their parties and their scans stay readable.
"""

from pathlib import Path
from uuid import uuid4

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Adult, Child, Region


class AgreementStatus(models.TextChoices):
    UNSIGNED = "unsigned", _("未签订")
    SIGNED = "signed", _("已签订")
    TO_RESIGN = "to_resign", _("需重签")
    ENDED = "ended", _("已终止")


class PrivateScanStorage(FileSystemStorage):
    """Scans of signed agreements: files under MEDIA_ROOT that have no public URL. They are served
    only by agreements.views.scans (scoped to the child's region, audited)."""

    def url(self, name):
        raise ValueError("委托照护协议扫描件没有公开地址，只能通过协议页面下载。")


def scan_storage() -> PrivateScanStorage:
    return PrivateScanStorage()


def scan_path(instance: "Agreement", filename: str) -> str:
    """A random name: no child's name or ID number in file names. The extension comes from the
    checked content (agreements.scans), not from what the user called the file."""
    extension = Path(filename).suffix.lower()
    return f"agreements/scans/{timezone.localdate():%Y}/{uuid4().hex}{extension}"


class Agreement(models.Model):
    child = models.OneToOneField(Child, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="agreement")
    status = models.CharField(
        _("协议状态"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.UNSIGNED
    )

    # Parties: the away parent or parents (or the guardian) entrust the child to the carer, with the
    # village committee as witness (通知 二.2).
    principal = models.ForeignKey(
        Adult, verbose_name=_("委托方"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_principal = models.ForeignKey(
        Adult, verbose_name=_("委托方（第二人）"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carer = models.ForeignKey(
        Adult, verbose_name=_("委托照护人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witness_region = models.ForeignKey(
        Region, verbose_name=_("见证方（村、居委会）"), on_delete=models.PROTECT, related_name="+"
    )
    witness_name = models.CharField(_("见证方名称"), max_length=100)

    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    scan = models.FileField(_("协议扫描件"), upload_to=scan_path, storage=scan_storage, max_length=200, blank=True)
    scan_content_type = models.CharField(_("扫描件类型"), max_length=40, blank=True)
    scan_uploaded_at = models.DateTimeField(_("扫描件上传时间"), null=True, blank=True)

    resign_reason = models.CharField(_("需重签原因"), max_length=200, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    # Optimistic locking: a write carries the version it was read at (no silent overwrites).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("委托照护协议")
        verbose_name_plural = _("委托照护协议")
        indexes = [models.Index(fields=["status", "valid_until"], name="agreement_status_until")]

    def __str__(self) -> str:
        return f"{self.child.name}的委托照护协议（{self.get_status_display()}）"

    @property
    def principals(self) -> list[Adult]:
        return [adult for adult in (self.principal, self.second_principal) if adult is not None]

    @property
    def is_signed(self) -> bool:
        return self.status == AgreementStatus.SIGNED

    def is_valid_on(self, on) -> bool:
        """Signed and in force on `on` (the coverage counts these)."""
        return (
            self.status == AgreementStatus.SIGNED
            and self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= on <= self.valid_until
        )
