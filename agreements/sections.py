"""The agreement section of a child's archive page (settings.ARCHIVE_SECTIONS; 通知 二.2: 逐人签订委托照护协议书).

One query (the agreement with its parties), whatever else the archive holds.
"""

from registry.choices import RosterStatus
from registry.models import Child

from .models import AgreementStatus
from .selectors import AgreementState, agreement_state_on
from .services import agreement_of
from .services.lifecycle import today
from .views.access import may_manage

TEMPLATE = "agreements/includes/archive_section.html"
NO_AGREEMENT_NEEDED = (RosterStatus.NOT_LEFT_BEHIND, RosterStatus.EXITED)


def agreement_section(request, child: Child) -> dict | None:
    """Status, dates, parties and the links the user's role allows; None for a child who needs no
    agreement and never had one (not left behind, or exited before signing)."""
    agreement = agreement_of(child)
    if agreement is None and child.roster_status in NO_AGREEMENT_NEEDED:
        return None
    state = agreement_state_on(agreement, on=today())
    ended = agreement is not None and agreement.status == AgreementStatus.ENDED
    return {
        "template": TEMPLATE,
        "child": child,
        "agreement": agreement,
        "state": state,
        "state_label": "已终止" if ended else AgreementState.LABELS[state],
        "signed": agreement is not None and agreement.signed_on is not None,
        "needed": child.roster_status == RosterStatus.ACTIVE,
        "principals": "、".join(adult.name for adult in agreement.principals) if agreement else "",
        "can_manage": may_manage(request.user) and not child.is_exited,
    }
