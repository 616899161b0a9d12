from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a scheduled job (from Celery beat or its management command), so administrators
    see each job's last runs and outcome."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    name = models.CharField(_("任务"), max_length=60, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("结果"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    trigger = models.CharField(_("触发方式"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("后台任务运行记录")
        verbose_name_plural = _("后台任务运行记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
