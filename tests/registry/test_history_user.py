from registry.services import child_save
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child


def test_history_written_by_a_job_or_command_names_the_user_it_acted_for(town_staff):
    child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    child_save(user=town_staff, child=child, data={"grade": "6年级"}, adults={}, reason="命令行更新")
    latest = child.history.first()
    assert latest.history_change_reason == "命令行更新"
    assert latest.history_user == town_staff
