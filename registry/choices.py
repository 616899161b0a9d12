"""Value lists of the archive (ROSTER.md columns, DOMAIN.md statuses), with their Chinese labels.

Plain TextChoices: importable by the pure rules without touching the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HouseholdType(models.TextChoices):
    RURAL = "rural", _("农村")
    URBAN = "urban", _("城镇")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    ILL = "ill", _("患病")
    DISABLED = "disabled", _("残疾")
    ILL_AND_DISABLED = "ill_disabled", _("患病且残疾")


class DisabilityType(models.TextChoices):
    VISION = "vision", _("视力")
    HEARING = "hearing", _("听力")
    SPEECH = "speech", _("言语")
    LIMB = "limb", _("肢体")
    INTELLECTUAL = "intellectual", _("智力")
    MENTAL = "mental", _("精神")
    MULTIPLE = "multiple", _("多重")


class DisabilityLevel(models.TextChoices):
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")
    LEVEL_4 = "4", _("四级")


class Schooling(models.TextChoices):
    NOT_IN_KINDERGARTEN = "none_yet", _("未入园")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRESCHOOL = "preschool", _("学龄前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    DROPPED_OUT = "dropped_out", _("辍学")
    NOT_IN_SCHOOL = "not_in_school", _("不在学")


class LivingArrangement(models.TextChoices):
    WITH_GUARDIAN = "guardian", _("与监护人共同居住")
    WITH_CARER = "carer", _("与委托照护人共同居住")
    ALONE = "alone", _("独居")
    BOARDING_SCHOOL = "boarding", _("寄宿学校")
    OTHER = "other", _("其他")


class FamilyEconomy(models.TextChoices):
    ORDINARY = "ordinary", _("一般")
    LOW_INCOME = "low_income", _("低收入")
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    RARELY = "rarely", _("很少")
    NEVER = "never", _("无")


class ParentStatus(models.TextChoices):
    AWAY = "away", _("外出务工")
    HOME = "home", _("在家")
    DECEASED = "deceased", _("死亡")
    MISSING = "missing", _("失联")
    IMPRISONED = "imprisoned", _("服刑")
    SERIOUSLY_ILL = "seriously_ill", _("重病")
    SEVERELY_DISABLED = "severely_disabled", _("重残")
    DRUG_REHAB = "drug_rehab", _("强制隔离戒毒")
    OTHER_INCAPABLE = "other_incapable", _("其他无监护能力")


# DOMAIN.md: the statuses that mean "lacks guardianship capacity" (a setting; these are the defaults).
DEFAULT_INCAPABLE_STATUSES = (
    ParentStatus.DECEASED,
    ParentStatus.MISSING,
    ParentStatus.IMPRISONED,
    ParentStatus.SERIOUSLY_ILL,
    ParentStatus.SEVERELY_DISABLED,
    ParentStatus.DRUG_REHAB,
    ParentStatus.OTHER_INCAPABLE,
)


class Relation(models.TextChoices):
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    GRANDFATHER = "grandfather", _("祖父")
    GRANDMOTHER = "grandmother", _("祖母")
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("外祖父")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("外祖母")
    ELDER_BROTHER = "elder_brother", _("兄")
    ELDER_SISTER = "elder_sister", _("姐")
    OTHER_RELATIVE = "other_relative", _("其他亲属")
    OTHER = "other", _("其他")


class AdultRole(models.TextChoices):
    """The part an adult plays for one child (one adult may play several for several children)."""

    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    GUARDIAN = "guardian", _("监护人")
    CARER = "carer", _("委托照护人")


class Verdict(models.TextChoices):
    """留守类型 (DOMAIN.md, 国发〔2016〕13号)."""

    BOTH_AWAY = "both_away", _("父母双方外出务工")
    ONE_AWAY_OTHER_INCAPABLE = "one_away_incapable", _("一方外出务工另一方无监护能力")
    NOT_LEFT_BEHIND = "not_left_behind", _("非留守儿童")
    UNVERIFIED = "unverified", _("待核实")


LEFT_BEHIND_VERDICTS = (Verdict.BOTH_AWAY, Verdict.ONE_AWAY_OTHER_INCAPABLE)


class RosterStatus(models.TextChoices):
    """在册状态: derived from the verdict and the exit, stored for indexed counting."""

    ACTIVE = "active", _("在册")
    SUSPECTED = "suspected", _("待核实")
    NOT_LEFT_BEHIND = "not_left_behind", _("非留守（已排查）")
    EXITED = "exited", _("已退出")


class ExitReason(models.TextChoices):
    OVER_AGE = "over_age", _("超龄退出")
    PARENTS_RETURNED = "parents_returned", _("父母返乡")
    MOVED_AWAY = "moved_away", _("迁出")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("其他")


class FieldCheck(models.TextChoices):
    """The outcome of a field check of a suspected (待核实) child."""

    PENDING = "", _("未核实")
    CONFIRMED = "confirmed", _("核实为留守儿童")
    REJECTED = "rejected", _("核实为非留守儿童")
