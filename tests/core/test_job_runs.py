import pytest

from qidong_care.core.jobs import job_run
from qidong_care.core.models import JobRun


def test_a_job_run_records_its_summary(db):
    job_run("age_out", lambda: {"aged_out": 3}, trigger="command")
    run = JobRun.objects.get()
    assert (run.status, run.summary, run.trigger) == ("succeeded", {"aged_out": 3}, "command")
    assert run.finished_at is not None


def test_a_failing_job_is_recorded_as_failed_and_raises(db):
    def broken():
        raise ValueError("数据库不可用")

    with pytest.raises(ValueError):
        job_run("weekly_report", broken)
    run = JobRun.objects.get()
    assert run.status == "failed" and "数据库不可用" in run.error


def test_administrators_see_job_runs_and_others_get_403(client, admin_user, town_staff):
    job_run("age_out", lambda: {"aged_out": 0})
    client.force_login(admin_user)
    page = client.get("/jobs/")
    assert page.status_code == 200 and "age_out" in page.content.decode()
    client.force_login(town_staff)
    assert client.get("/jobs/").status_code == 403
