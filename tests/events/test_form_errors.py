"""The event form shows every error at once, each next to its field: the form's own checks and
the scheduling rules of the service together; nothing is saved."""
import re

import pytest

from eventsapp.events.models import Event
from tests.events.test_routes import form_data  # noqa: F401 (fixture)


def errors_by_field(html: str) -> dict[str, list[str]]:
    """{input id: [its error messages]} from the rendered form."""
    found = {}
    for block in re.findall(r'<div class="field has-error[^"]*">(.*?)</div>', html, re.S):
        field_id = re.search(r'\sid="([^"]+)"', block).group(1)
        found[field_id] = re.findall(r'<p class="error"[^>]*>(.*?)</p>', block, re.S)
    return found


@pytest.fixture
def organizer(login_as):
    return login_as("organizer")


def test_service_rules_are_all_marked_on_their_fields(client, db, organizer, form_data):  # noqa: F811
    response = client.post("/events/new", data=form_data(**{
        "days-1-start": "14:00", "days-1-end": "۱۰:۰۰", "capacity": "۵", "per_ngo_quota": "۹"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = errors_by_field(html)
    assert errors == {
        "days-1-end": ["در روز ۲۴ مرداد ۱۴۰۵، ساعت پایان باید پس از ساعت آغاز باشد."],
        "per_ngo_quota": ["سهم هر سمن نمی‌تواند از ظرفیت کل رویداد بیشتر باشد."],
    }
    assert "۲ خطا در فرم هست" in html
    assert db.session.query(Event).count() == 0


def test_form_errors_and_service_rules_show_together(client, db, organizer, form_data):  # noqa: F811
    response = client.post("/events/new", data=form_data(**{
        "title": "", "capacity": "", "days-0-start": "11:00", "days-0-end": "09:00",
        "audience": "county", "officials-0-name": "", "officials-0-title": "معاون استاندار"}))
    assert response.status_code == 400
    errors = errors_by_field(response.get_data(as_text=True))
    assert errors["title"] == ["این خانه را پر کنید."]
    assert errors["capacity"] == ["ظرفیت را وارد کنید."]  # one message, not the service's as well
    assert errors["days-0-end"] == ["در روز ۲۳ مرداد ۱۴۰۵، ساعت پایان باید پس از ساعت آغاز باشد."]
    assert errors["audience_county_id"] == ["برای مخاطبان یک شهرستان، شهرستان را انتخاب کنید."]
    assert errors["officials-0-name"] == ["نام هر مقام یا سخنران را بنویسید."]
    assert db.session.query(Event).count() == 0


def test_the_form_comes_back_with_the_rows_that_were_sent(client, organizer, form_data):  # noqa: F811
    html = client.post("/events/new", data=form_data(title="")).get_data(as_text=True)
    days = html[html.index('data-rows="days"'):html.index('data-add-row="days"')]
    assert days.count("data-row>") == 2
    assert 'value="1405-5-24"' in days  # as typed


def test_required_fields_are_marked(client, organizer):
    html = client.get("/events/new").get_data(as_text=True)
    capacity = html[html.index('for="capacity"'):]
    capacity = capacity[:capacity.index("</div>")]
    assert "ضروری" in capacity and 'aria-required="true"' in capacity
    assert html.count('class="required-mark"') == 10  # a spare day row on a fresh form
