import pytest
from django.core.management import call_command

from registry.models import Region, RegionLevel


@pytest.mark.django_db
def test_the_county_has_18_towns_and_parks_and_339_villages():
    county = Region.objects.get(code="320681")
    assert county.level == RegionLevel.COUNTY and county.name == "启东市"
    towns = Region.objects.filter(level=RegionLevel.TOWN)
    assert towns.count() == 18
    assert set(towns.values_list("parent__code", flat=True)) == {"320681"}
    assert {"汇龙镇", "南阳镇", "启东经济开发区", "圆陀角旅游度假区"} <= set(towns.values_list("name", flat=True))
    assert Region.objects.filter(level=RegionLevel.VILLAGE).count() == 339
    assert Region.objects.get(code="320681100236").parent.name == "汇龙镇"


@pytest.mark.django_db
def test_loading_regions_twice_leaves_the_same_rows():
    before = list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_id"))
    call_command("load_regions", verbosity=0)
    after = list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_id"))
    assert after == before


@pytest.mark.django_db
def test_loading_again_keeps_an_administrators_rename_and_retirement():
    village = Region.objects.get(code="320681100236")
    village.name, village.active = "亚光社区", False
    village.save()
    call_command("load_regions", verbosity=0)
    village.refresh_from_db()
    assert (village.name, village.active) == ("亚光社区", False)
    assert village.history.count() >= 2  # the rename is in its history


def test_admin_can_rename_and_retire_a_region_but_never_delete_it(admin_user, login):
    client = login(admin_user)
    village = Region.objects.get(code="320681100201")
    response = client.post(
        f"/admin/registry/region/{village.pk}/change/",
        {"code": village.code, "name": "克明社区", "level": "village", "parent": village.parent_id},
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.name == "克明社区" and village.active is False
    assert client.get(f"/admin/registry/region/{village.pk}/delete/").status_code == 403
