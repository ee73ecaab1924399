"""The catalogue data of an item (目录信息): index number, issuing organ, method, scope, validity."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disclosure.items import actions as item_actions
from disclosure.items.models import DisclosureItem, IndexCounter, format_index_number
from disclosure.site.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_index_numbers_are_code_year_sequence_and_unique_per_year(make_item):
    first = make_item(produced_on=dt.date(2025, 12, 30))
    second = make_item(produced_on=dt.date(2026, 1, 5))
    third = make_item(produced_on=dt.date(2026, 3, 2))
    assert first.index_number == "4100000000-2025-00001"
    assert second.index_number == "4100000000-2026-00001"
    assert third.index_number == "4100000000-2026-00002"
    assert IndexCounter.objects.get(year=2026).last == 2


def test_index_number_is_stable_through_edits_and_a_changed_university_code(make_item, office_user):
    item = make_item("published")
    number = item.index_number
    SiteSettings(university_name="示范大学", university_code="4133000001", office_name="党政办公室").save()
    item = item_actions.edit_item(item, by=office_user, changes={"title": "学校章程（2026年修订）"})
    item.refresh_from_db()
    assert item.index_number == number
    # New items take the new code.
    assert make_item().index_number.startswith("4133000001-2026-")


def test_index_number_is_unique_in_the_database(make_item):
    item = make_item()
    other = make_item()
    other.index_number = item.index_number
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save(update_fields=["index_number"])


def test_format():
    assert format_index_number("4100000000", 2026, 7) == "4100000000-2026-00007"


def test_editor_sets_validity_with_a_successor_and_a_valid_item_has_none(make_item, office_user):
    old = make_item("published", title="学生奖励办法（2019年）")
    new = make_item("published", title="学生奖励办法（2026年修订）")
    with pytest.raises(ValidationError, match="有效的文件不能指定取代它的文件"):
        item_actions.edit_item(old, by=office_user, changes={"superseded_by": new})
    with pytest.raises(ValidationError, match="不能被自身取代"):
        item_actions.edit_item(old, by=office_user, changes={"validity": "revised", "superseded_by": old})
    old = item_actions.edit_item(old, by=office_user, changes={"validity": "revised", "superseded_by": new})
    old.refresh_from_db()
    assert old.get_validity_display() == "已修订"
    assert old.superseded_by == new


def test_department_change_of_validity_waits_for_review(make_item, editor, office_user):
    old = make_item("published", title="学生奖励办法（2019年）")
    new = make_item("published", title="学生奖励办法（2026年修订）")
    item_actions.edit_item(old, by=editor, changes={"validity": "void", "superseded_by": new})
    old.refresh_from_db()
    assert old.validity == "valid"
    revision = item_actions.pending_revision(old)
    diff = dict((what, after) for what, _before, after in item_actions.revision_diff(revision))
    assert diff == {"有效性": "失效", "取代它的文件": "学生奖励办法（2026年修订）"}
    item_actions.publish_revision(old, by=office_user)
    old.refresh_from_db()
    assert (old.validity, old.superseded_by_id) == ("void", new.pk)


def test_publisher_defaults_to_the_department(make_item, department):
    assert make_item().publisher == department.name
    assert make_item(issuing_organ="学校").publisher == "学校"


def test_item_page_shows_the_catalogue_data_and_the_successor_banner(client, make_item, office_user):
    new = make_item("published", title="学生奖励办法（2026年修订）", document_number="示大发〔2026〕12号")
    old = make_item("published", title="学生奖励办法（2019年）", document_number="示大发〔2019〕3号",
                    issuing_organ="学校", disclosure_method="网站、公告栏公开")
    item_actions.edit_item(old, by=office_user, changes={"validity": "revised", "superseded_by": new})
    html = client.get(old.get_absolute_url()).content.decode()
    for text in ["索引号", old.index_number, "发布机构", "学校", "文号", "示大发〔2019〕3号", "生成日期",
                 "2026年3月2日", "公开方式", "网站、公告栏公开", "公开范围", "面向社会", "有效性", "已修订",
                 "打印本页"]:
        assert text in html, text
    assert "本文件已修订" in html
    assert f'href="{new.get_absolute_url()}"' in html
    assert "本文件" not in client.get(new.get_absolute_url()).content.decode().split("目录信息")[0]


def test_banner_does_not_link_a_successor_the_public_cannot_see(client, make_item, office_user):
    draft = make_item("draft", title="尚未发布的新办法")
    old = make_item("published", title="旧办法")
    item_actions.edit_item(old, by=office_user, changes={"validity": "void", "superseded_by": draft})
    html = client.get(old.get_absolute_url()).content.decode()
    assert "本文件失效" in html
    assert "尚未发布的新办法" not in html
    assert "请以学校现行有效的文件为准" in html


def test_item_page_query_count_with_a_successor(client, make_item, office_user,
                                                 django_assert_max_num_queries):
    new = make_item("published", title="新办法")
    old = make_item("published", title="旧办法")
    item_actions.edit_item(old, by=office_user, changes={"validity": "revised", "superseded_by": new})
    client.get(old.get_absolute_url())
    with django_assert_max_num_queries(8):
        assert client.get(old.get_absolute_url()).status_code == 200


def test_search_by_index_number_goes_to_the_item(client, make_item):
    item = make_item("published")
    hidden = make_item("draft")
    response = client.get("/search/", {"q": f" {item.index_number} "})
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    # A number of an item the public cannot see is just a search without results.
    assert client.get("/search/", {"q": hidden.index_number}).status_code == 200


def test_admin_shows_index_number_read_only_and_searches_it(client, make_item, office_user):
    item = make_item("published")
    client.force_login(office_user)
    page = client.get(f"/admin/items/disclosureitem/{item.pk}/change/").content.decode()
    assert item.index_number in page
    assert 'name="index_number"' not in page
    found = client.get("/admin/items/disclosureitem/", {"q": item.index_number}).content.decode()
    assert item.title in found


def test_items_created_outside_the_services_get_a_number_too(department):
    item = DisclosureItem.objects.create(title="导入的事项", department=department,
                                         produced_on=dt.date(2024, 5, 1))
    assert item.index_number == "4100000000-2024-00001"


def test_the_server_loads_the_word_dictionary_at_start_up():
    """The first search after a start must not wait for jieba's dictionary (seconds)."""
    import subprocess
    import sys

    code = ("import portal.wsgi; from disclosure.items import search; "
            "print(search._initialised)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2], timeout=120, check=True)
    assert result.stdout.strip().endswith("True")


def test_open_data_api_carries_the_catalogue_data(client, make_item, office_user):
    new = make_item("published", title="新办法")
    old = make_item("published", title="旧办法", issuing_organ="学校")
    item_actions.edit_item(old, by=office_user, changes={"validity": "void", "superseded_by": new})
    data = client.get(f"/api/v1/items/{old.pk}/").json()
    assert data["index_number"] == old.index_number
    assert (data["publisher"], data["validity"], data["validity_display"]) == ("学校", "void", "失效")
    assert (data["scope_display"], data["disclosure_method"], data["superseded_by"]) == (
        "面向社会", "网站公开", new.pk)


def test_lists_mark_a_revised_item(client, make_item, office_user, entry):
    new = make_item("published", title="新办法")
    old = make_item("published", title="旧办法")
    item_actions.edit_item(old, by=office_user, changes={"validity": "revised", "superseded_by": new})
    html = client.get(f"/checklist/{entry.number}/").content.decode()
    row = html[html.index("旧办法"):][:300]
    assert '<span class="badge">已修订</span>' in row
    assert '<span class="badge">' not in html[html.index("新办法"):][:120]
