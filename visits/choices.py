"""Value lists of visits, referrals and activities (DOMAIN.md; 通知 二.4, 二.5), with Chinese labels.

Plain TextChoices: the pure escalation rules import them without touching the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    """通知 二.4: 党员干部上门家访、驻村干部探访、专业社会工作者随访、儿童主任"一月一访"."""

    DIRECTOR_MONTHLY = "director_monthly", _("儿童主任一月一访")
    PARTY_MEMBER = "party_member", _("党员干部家访")
    RESIDENT_CADRE = "resident_cadre", _("驻村干部探访")
    SOCIAL_WORKER = "social_worker", _("社工随访")


class VisitMode(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")


class SafetyCheck(models.TextChoices):
    OK = "ok", _("无隐患")
    RISK = "risk", _("有隐患")


class Guardianship(models.TextChoices):
    GOOD = "good", _("监护到位")
    WEAK = "weak", _("监护不足，需要指导")
    INCAPABLE = "incapable", _("监护人丧失监护能力")
    NEGLECT = "neglect", _("监护人不履行监护责任")


class PhysicalHealth(models.TextChoices):
    GOOD = "good", _("健康")
    ILL = "ill", _("患病")
    DISABLED = "disabled", _("残疾")
    INJURED = "injured", _("遭受意外伤害")


class MentalHealth(models.TextChoices):
    GOOD = "good", _("良好")
    ATTENTION = "attention", _("需要关注（情绪低落、孤僻等）")
    INTERVENTION = "intervention", _("需要干预（心理疏导、行为矫治）")


class SchoolingState(models.TextChoices):
    NORMAL = "normal", _("正常在校")
    DIFFICULTY = "difficulty", _("学习或适应困难")
    TRUANCY = "truancy", _("厌学、经常缺课")
    DROPPED_OUT = "dropped_out", _("失学辍学")
    NOT_APPLICABLE = "not_applicable", _("未到入学年龄")


class ContactMethod(models.TextChoices):
    """通知 二.2: 通过电话、视频、微信等方式加强亲情沟通."""

    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")
    WECHAT = "wechat", _("微信")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Service(models.TextChoices):
    """通知 二.4: 监护指导、医疗救治、心理疏导、行为矫治、法律服务、司法援助 (and 社会救助, 劝学返学)."""

    GUARDIANSHIP_GUIDANCE = "guardianship_guidance", _("监护指导")
    MEDICAL = "medical", _("医疗救治")
    COUNSELLING = "counselling", _("心理疏导")
    BEHAVIOUR = "behaviour", _("行为矫治")
    LEGAL = "legal", _("法律服务")
    JUDICIAL_AID = "judicial_aid", _("司法援助")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")
    BACK_TO_SCHOOL = "back_to_school", _("劝学返学")


class Finding(models.TextChoices):
    """The findings of 通知 二.4 that must be escalated (DOMAIN.md, "Escalation")."""

    ALONE = "alone", _("脱离监护单独居住生活")
    GUARDIAN_INCAPABLE = "guardian_incapable", _("监护人丧失监护能力")
    GUARDIAN_NEGLECT = "guardian_neglect", _("监护人不履行监护责任")
    VIOLENCE = "violence", _("疑似遭受家庭暴力")
    INJURY = "injury", _("意外伤害")
    HARDSHIP = "hardship", _("家庭经济困难且符合救助条件")
    OUT_OF_SCHOOL = "out_of_school", _("失学辍学")


class ReferralBody(models.TextChoices):
    POLICE = "police", _("公安机关")
    EDUCATION = "education", _("教育部门")
    ASSISTANCE = "assistance", _("民政社会救助")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("待报告")
    REPORTED = "reported", _("已报告")
    IN_PROGRESS = "in_progress", _("处置中")
    CLOSED = "closed", _("已办结")


class ReferralSource(models.TextChoices):
    VISIT = "visit", _("走访发现")
    ARCHIVE = "archive", _("档案录入")
    IMPORT = "import", _("花名册导入")


class ActivityType(models.TextChoices):
    """通知 二.2 and 二.5."""

    SUMMER_CLASS = "summer_class", _("爱心暑托班")
    CARE_HOME = "care_home", _("关爱之家活动")
    CHILD_MENTAL_HEALTH = "child_mental_health", _("儿童心理健康活动")
    GUARDIAN_MENTAL_HEALTH = "guardian_mental_health", _("监护人心理健康讲座")
    POLICY_TALK = "policy_talk", _("政策宣讲进村（居）")
    OTHER = "other", _("其他")


class ActivityTopic(models.TextChoices):
    """通知 二.2: 政策法规、家庭监护、亲情沟通、安全自护等专题宣讲."""

    POLICY = "policy", _("政策法规")
    GUARDIANSHIP = "guardianship", _("家庭监护")
    FAMILY_COMMUNICATION = "family_communication", _("亲情沟通")
    SELF_PROTECTION = "self_protection", _("安全自护")


class ActivityAudience(models.TextChoices):
    CHILDREN = "children", _("儿童")
    GUARDIANS = "guardians", _("监护人、委托照护人")
    FAMILIES = "families", _("儿童及其监护人")
    PUBLIC = "public", _("村（居）民")
