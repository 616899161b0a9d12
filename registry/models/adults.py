from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qidong_care.core.fields import EncryptedTextField

from ..choices import AdultRole, ParentStatus, Relation
from .children import Child


class Adult(models.Model):
    """A parent, guardian or entrusted carer, recorded once and linked to every child they serve:
    a phone number changed once is changed for every sibling (DOMAIN.md, 一人一档)."""

    name = models.CharField(_("姓名"), max_length=50)  # indexed by adult_name_phone (name first)
    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=40, blank=True, editable=False)
    id_number_masked = models.CharField(_("公民身份号码"), max_length=18, blank=True, editable=False)
    phone = EncryptedTextField(_("联系电话"))
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    health = EncryptedTextField(_("健康状况"))

    # As a parent: status, the work place as written, what it resolves to, and the departure date.
    status = models.CharField(_("状况"), max_length=20, choices=ParentStatus.choices, blank=True)
    work_place = models.CharField(_("务工地点"), max_length=100, blank=True)
    work_place_code = models.CharField(_("务工地区划代码"), max_length=12, blank=True, editable=False)
    work_place_resolved = models.CharField(_("务工地（解析）"), max_length=100, blank=True, editable=False)
    departed_on = models.DateField(_("外出务工时间"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # History is read by adult id only (registry/history.py): no index on the name (see Child.history).
    history = HistoricalRecords(excluded_fields=["updated_at", "id_number_hash", "phone_hash"], no_db_index=["name"])

    class Meta:
        verbose_name = _("成年人（父母、监护人、照护人）")
        verbose_name_plural = _("成年人（父母、监护人、照护人）")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="adult_unique_id_number"
            )
        ]
        indexes = [models.Index(fields=["name", "phone_hash"], name="adult_name_phone")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked or self.phone_masked or '无证件'}）"


class ChildAdult(models.Model):
    """An adult's part for one child: father, mother, guardian (监护人) or entrusted carer (委托照护人)."""

    # Indexed by one_adult_per_role (child, role) and link_adult_role (adult, role).
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="links", db_index=False)
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="links", db_index=False)
    role = models.CharField(_("身份"), max_length=10, choices=AdultRole.choices)
    relation = models.CharField(_("与儿童关系"), max_length=30, choices=Relation.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # History is read by child (registry/history.py), never by adult: no index on the adult.
    history = HistoricalRecords(no_db_index=["adult"])

    class Meta:
        verbose_name = _("儿童与成年人的关系")
        verbose_name_plural = _("儿童与成年人的关系")
        constraints = [models.UniqueConstraint(fields=["child", "role"], name="one_adult_per_role")]
        indexes = [models.Index(fields=["adult", "role"], name="link_adult_role")]

    def __str__(self) -> str:
        return f"{self.child.name}的{self.get_role_display()}：{self.adult.name}"
