from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qidong_care.core.fields import EncryptedTextField

from ..choices import (
    ContactFrequency,
    ExitReason,
    FamilyEconomy,
    FieldCheck,
    Gender,
    HouseholdType,
    LivingArrangement,
    RosterStatus,
    Schooling,
    Verdict,
)
from .regions import Region


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ChildQuerySet":
        """The one place that decides which children a user may see (DESIGN.md: scope in one place)."""
        from ..scope import scope_filter

        return self.filter(scope_filter(user))

    def on_roster(self) -> "ChildQuerySet":
        return self.filter(roster_status=RosterStatus.ACTIVE)


class Child(models.Model):
    """One child's archive (一人一档, 通知 二.3). Never deleted: a child leaves the roster with an exit."""

    # Identity. The ID number is encrypted; the keyed hash finds it, the masked copy shows in lists.
    # No index of its own: "name = …" uses child_duplicate_key (name first), "contains" child_name_chars.
    name = models.CharField(_("儿童姓名"), max_length=50)
    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=40, unique=True, editable=False)
    id_number_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)

    # Where: the village, and its town copied for indexed counting per town. No single-column
    # indexes: child_village_status and child_town_status start with them (one index less to keep up
    # per row a roster import writes).
    village = models.ForeignKey(
        Region, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    town = models.ForeignKey(
        Region,
        verbose_name=_("镇（街道、园区）"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    household_type = models.CharField(_("户籍类型"), max_length=10, choices=HouseholdType.choices, blank=True)
    household_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    current_address = models.CharField(_("现居住地址"), max_length=200, blank=True)

    # Health (restricted, encrypted at rest).
    health = EncryptedTextField(_("健康状况"))
    disability_type = EncryptedTextField(_("残疾类别"))
    disability_level = EncryptedTextField(_("残疾等级"))

    # Schooling and living.
    schooling = models.CharField(_("就学状况"), max_length=20, choices=Schooling.choices, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=20, blank=True)
    boarding = models.BooleanField(_("是否寄宿"), null=True, blank=True)
    living_arrangement = models.CharField(_("居住情况"), max_length=20, choices=LivingArrangement.choices, blank=True)
    family_economy = models.CharField(_("家庭经济状况"), max_length=20, choices=FamilyEconomy.choices, blank=True)
    contact_frequency = models.CharField(_("亲情沟通频次"), max_length=20, choices=ContactFrequency.choices, blank=True)
    director_name = models.CharField(_("儿童主任姓名"), max_length=50, blank=True)
    director_phone = EncryptedTextField(_("儿童主任联系电话"))
    notes = models.TextField(_("备注"), blank=True)
    national_child_no = models.CharField(_("全国系统儿童编号"), max_length=40, blank=True, db_index=True)

    # The verdict of 国发〔2016〕13号 (registry.rules.eligibility), with why, recomputed on every change.
    verdict = models.CharField(_("留守类型"), max_length=30, choices=Verdict.choices, default=Verdict.UNVERIFIED)
    verdict_rule = models.CharField(_("判定规则"), max_length=30, blank=True)
    verdict_reasons = models.JSONField(_("判定依据"), default=list, blank=True)
    verdict_flags = models.JSONField(_("提示"), default=list, blank=True)
    verdict_on = models.DateField(_("判定日期"), null=True, blank=True)
    field_check = models.CharField(_("实地核实"), max_length=20, choices=FieldCheck.choices, blank=True)
    field_check_verdict = models.CharField(_("核实结论"), max_length=30, choices=Verdict.choices, blank=True)
    field_check_note = models.TextField(_("核实说明"), blank=True)
    field_checked_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    # 在册状态: stored so that counts per town are index scans, not Python loops.
    roster_status = models.CharField(
        _("在册状态"), max_length=20, choices=RosterStatus.choices, default=RosterStatus.SUSPECTED
    )
    exit_reason = models.CharField(_("退出原因"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_date = models.DateField(_("退出日期"), null=True, blank=True)
    exit_note = models.TextField(_("退出说明"), blank=True)

    # Data quality (registry.rules.quality): the items, and flags for cheap counting.
    missing_items = models.JSONField(_("信息缺失项"), default=list, blank=True)
    error_items = models.JSONField(_("信息错误项"), default=list, blank=True)
    has_missing = models.BooleanField(_("信息缺失"), default=False)
    has_errors = models.BooleanField(_("信息错误"), default=False)
    likely_duplicate = models.BooleanField(
        _("疑似重复"), default=False, help_text=_("同村同名同出生日期、身份证号不同的儿童")
    )

    # Optimistic locking: a save carries the version it was read at (no silent overwrites).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # History rows are written for every child an import touches (100,000 at a time): only the
    # indexes some history query uses are kept (registry/history.py reads a child's records by id,
    # reports/figures.py by date; migration 0005's (id, history_date, history_id) serves both "by id"
    # and "by id before a date", so the plain id index goes too).
    history = HistoricalRecords(
        excluded_fields=["updated_at", "id_number_hash"],
        no_db_index=["id", "name", "national_child_no", "town", "village", "created_by"],
    )
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("儿童")
        verbose_name_plural = _("儿童")
        indexes = [
            models.Index(fields=["town", "roster_status"], name="child_town_status"),
            models.Index(fields=["village", "roster_status"], name="child_village_status"),
            models.Index(fields=["roster_status", "birth_date"], name="child_status_birth"),
            models.Index(fields=["town", "roster_status", "has_missing"], name="child_town_missing"),
            models.Index(fields=["town", "roster_status", "has_errors"], name="child_town_errors"),
            models.Index(fields=["name", "birth_date", "village"], name="child_duplicate_key"),
            # The child list filtered to one village inside a town staff member's scope (town_id IN …):
            # one index for both, not the whole town's entries ANDed with the village's (issue 9).
            models.Index(fields=["village", "town"], name="child_village_town"),
            # The list's other sort orders (registry.filters.SORTS): newest changes, and by age.
            models.Index(fields=["updated_at", "id"], name="child_updated"),
            models.Index(fields=["birth_date", "id"], name="child_birth"),
            # The age-out job's look-up: children not exited yet, by birth date (registry.ageout).
            models.Index(
                fields=["birth_date"],
                name="child_not_exited_birth",
                condition=~models.Q(roster_status=RosterStatus.EXITED),
            ),
        ]
        permissions = [("reveal_personal_data", "查看完整身份证号码和电话")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    @property
    def is_exited(self) -> bool:
        return self.roster_status == RosterStatus.EXITED


class ArchiveUpdate(models.Model):
    """A day on which a child's archive, or an adult linked to it, changed: the notice's dynamic
    update count (动态更新量, 通知 三.2) is the number of distinct children per town and week."""

    # Indexed by archive_update_once_a_day (child, on) and archive_update_town_day (town, on).
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="updates", db_index=False)
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    on = models.DateField()
    first_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("动态更新")
        verbose_name_plural = _("动态更新")
        constraints = [models.UniqueConstraint(fields=["child", "on"], name="archive_update_once_a_day")]
        indexes = [
            models.Index(fields=["town", "on"], name="archive_update_town_day"),
            models.Index(fields=["on"], name="archive_update_day"),  # the daily spot-check draw
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.on}"
