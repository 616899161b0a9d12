from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One roster file being imported (ROSTER.md, "Behaviour"): uploaded, validated in the background
    (the preview), then confirmed and written. The page can be left and reopened at any step."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队等待校验")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("待确认导入")
        REFUSED = "refused", _("文件被拒绝")
        COMMIT_QUEUED = "commit_queued", _("排队等待写入")
        COMMITTING = "committing", _("写入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("失败")

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.COMMIT_QUEUED, Status.COMMITTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("花名册文件"), upload_to="roster_imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("当前步骤"), max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    preview = models.JSONField(_("预览"), default=dict, blank=True)  # the validation's summary
    result = models.JSONField(_("导入结果"), default=dict, blank=True)  # the commit's summary
    message = models.TextField(_("说明"), blank=True)  # why the file was refused or the job failed
    report = models.FileField(_("错误报告"), upload_to="roster_reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    validated_at = models.DateTimeField(_("校验完成时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_created")]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
