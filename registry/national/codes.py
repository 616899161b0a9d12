"""The national system's code lists, and how our choices (registry/choices.py) map onto them.

Source: 农村留守儿童基本情况登记表, 附件1 of the 2016 national screening of rural left-behind children
(民政部、教育部、公安部 农村留守儿童摸底排查, 2016), whose records the national children's welfare
information system (全国儿童福利信息系统) carries. The form's tick-box lists are:

- 身体情况: 健康 / 残疾 / 患病 (one box; its note 3: 患病 means a major or serious illness, 重特大疾病);
- 就学情况: 幼儿园 / 未入园 / 小学 / 初中 / 高中 / 中职 / 辍学 / 不在学 (note 6: 辍学 = out of school during
  compulsory education; 不在学 = aged 14-16 and not in school);
- 监护类型: 无人监护 / 父或母无监护能力 / 受委托监护人监护能力不足 / 监护情况一般 / 监护情况较好;
- 与被监护人关系 is written in: the national system takes the kinship terms the form's family section
  names (父亲, 母亲, 祖父, 祖母, 外祖父, 外祖母) and 兄, 姐, 其他亲属, 其他 — the same list as our Relation.

在册状态 (在册 / 退出) is the national system's own status column of its export.
"""

from __future__ import annotations

import unicodedata

from ..choices import Gender, Health, LivingArrangement, Relation, Schooling, Verdict

# --- 性别 -------------------------------------------------------------------------------------------

GENDER_CODES = ("男", "女")
GENDER_TO_NATIONAL = {Gender.MALE: "男", Gender.FEMALE: "女"}
GENDER_SYNONYMS = {"男": "男", "男性": "男", "1": "男", "M": "男", "女": "女", "女性": "女", "2": "女", "F": "女"}

# --- 身体情况 ----------------------------------------------------------------------------------------

HEALTH_CODES = ("健康", "残疾", "患病")
HEALTH_TO_NATIONAL = {
    Health.HEALTHY: "健康",
    Health.ILL: "患病",
    Health.DISABLED: "残疾",
    # The form has one box: a disabled child is 残疾 (its 残疾类别及等级 say more), ill or not.
    Health.ILL_AND_DISABLED: "残疾",
}
HEALTH_SYNONYMS = {"良好": "健康", "正常": "健康", "疾病": "患病", "重病": "患病", "残障": "残疾"}

# --- 就学情况 ----------------------------------------------------------------------------------------

SCHOOLING_CODES = ("幼儿园", "未入园", "小学", "初中", "高中", "中职", "辍学", "不在学")
SCHOOLING_TO_NATIONAL = {
    Schooling.NOT_IN_KINDERGARTEN: "未入园",
    Schooling.KINDERGARTEN: "幼儿园",
    # 学龄前 (a pre-school class) is pre-school education: the form's box for it is 幼儿园.
    Schooling.PRESCHOOL: "幼儿园",
    Schooling.PRIMARY: "小学",
    Schooling.JUNIOR: "初中",
    Schooling.SENIOR: "高中",
    Schooling.VOCATIONAL: "中职",
    Schooling.DROPPED_OUT: "辍学",
    Schooling.NOT_IN_SCHOOL: "不在学",
}
SCHOOLING_SYNONYMS = {
    "学前": "幼儿园",
    "学前班": "幼儿园",
    "学龄前": "幼儿园",
    "在园": "幼儿园",
    "失学": "辍学",
    "普通高中": "高中",
    "中专": "中职",
    "职高": "中职",
    "技校": "中职",
    "中等职业学校": "中职",
}

# --- 监护类型 ----------------------------------------------------------------------------------------

NO_GUARDIAN = "无人监护"
PARENT_INCAPABLE = "父或母无监护能力"
GUARDIAN_UNABLE = "受委托监护人监护能力不足"
GUARDIANSHIP_FAIR = "监护情况一般"
GUARDIANSHIP_GOOD = "监护情况较好"
GUARDIANSHIP_CODES = (NO_GUARDIAN, PARENT_INCAPABLE, GUARDIAN_UNABLE, GUARDIANSHIP_FAIR, GUARDIANSHIP_GOOD)
# Guardian health values that make the form's 受委托监护人监护能力不足 (its 患病 = serious illness).
_UNABLE_HEALTH = {Health.ILL, Health.DISABLED, Health.ILL_AND_DISABLED, "患病", "残疾", "患病且残疾", "重病", "重残"}


def guardianship_type(*, verdict: str, living_arrangement: str, has_guardian: bool, guardian_health: str) -> str:
    """The form's 监护类型 as far as the archive decides it.

    The archive decides 无人监护, 父或母无监护能力 and 受委托监护人监护能力不足; 监护情况一般 / 较好 is the
    form's judgement from a home visit (its note 5), which the clerk ticks: "" then.
    """
    if living_arrangement == LivingArrangement.ALONE or not has_guardian:
        return NO_GUARDIAN
    if verdict == Verdict.ONE_AWAY_OTHER_INCAPABLE:
        return PARENT_INCAPABLE
    if guardian_health in _UNABLE_HEALTH:
        return GUARDIAN_UNABLE
    return ""


# --- 与被监护人关系 -----------------------------------------------------------------------------------

RELATION_TO_NATIONAL = {choice.value: str(choice.label) for choice in Relation}
RELATION_CODES = tuple(RELATION_TO_NATIONAL.values())
RELATION_SYNONYMS = {
    "爸爸": "父亲",
    "父": "父亲",
    "妈妈": "母亲",
    "母": "母亲",
    "爷爷": "祖父",
    "奶奶": "祖母",
    "外公": "外祖父",
    "姥爷": "外祖父",
    "外婆": "外祖母",
    "姥姥": "外祖母",
    "哥哥": "兄",
    "姐姐": "姐",
    "叔叔": "其他亲属",
    "伯伯": "其他亲属",
    "伯父": "其他亲属",
    "叔父": "其他亲属",
    "姑姑": "其他亲属",
    "姑妈": "其他亲属",
    "舅舅": "其他亲属",
    "阿姨": "其他亲属",
    "姨妈": "其他亲属",
    "婶婶": "其他亲属",
    "亲属": "其他亲属",
    "亲戚": "其他亲属",
    "邻居": "其他",
    "朋友": "其他",
}

# --- 在册状态 ----------------------------------------------------------------------------------------

STATUS_ACTIVE = "在册"
STATUS_EXITED = "退出"
STATUS_CODES = (STATUS_ACTIVE, STATUS_EXITED)
STATUS_SYNONYMS = {
    "在册": STATUS_ACTIVE,
    "正常": STATUS_ACTIVE,
    "有效": STATUS_ACTIVE,
    "是": STATUS_ACTIVE,
    "退出": STATUS_EXITED,
    "已退出": STATUS_EXITED,
    "注销": STATUS_EXITED,
    "已注销": STATUS_EXITED,
    "不在册": STATUS_EXITED,
    "非在册": STATUS_EXITED,
    "否": STATUS_EXITED,
}


def _key(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()


def to_code(value: object, codes: tuple[str, ...], synonyms: dict[str, str]) -> str:
    """A national code for a value as a clerk typed it; an unknown value comes back trimmed, as typed."""
    key = _key(value)
    if not key:
        return ""
    for code in codes:
        if key == code:
            return code
    upper = {_key(name): code for name, code in synonyms.items()}
    return upper.get(key, unicodedata.normalize("NFKC", str(value)).strip())
