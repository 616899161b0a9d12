"""The written report to the education department about a child out of school (通知 二.4:
对失学辍学的农村留守儿童，要书面报告教育部门). WeasyPrint with the Noto CJK fonts (Debian fonts-noto-cjk).
Identity numbers and phones are masked: the report identifies the child by name, school and address."""

import logging

from django.template.loader import render_to_string
from django.utils import timezone

from registry.choices import AdultRole
from registry.rules.idnumber import age_on

from .models import Referral

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per step otherwise


def education_report_context(referral: Referral, *, user) -> dict:
    child = referral.child
    links = {link.role: link for link in child.links.select_related("adult")}
    today = timezone.localdate()
    return {
        "referral": referral,
        "child": child,
        "age": age_on(child.birth_date, today),
        "father": links.get(AdultRole.FATHER),
        "mother": links.get(AdultRole.MOTHER),
        "guardian": links.get(AdultRole.GUARDIAN),
        "carer": links.get(AdultRole.CARER),
        "visit": referral.visit,
        "reporter": user.get_full_name() or user.username,
        "today": today,
        "opened": timezone.localtime(referral.opened_at),
        "deadline": timezone.localtime(referral.deadline),
    }


def education_report_pdf(referral: Referral, *, user) -> bytes:
    from weasyprint import HTML  # imported here: loading it logs its stylesheets and takes a second

    html = render_to_string("visits/print/education_report.html", education_report_context(referral, user=user))
    return HTML(string=html).write_pdf()
