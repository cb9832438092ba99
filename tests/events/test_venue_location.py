"""A venue's place on the map: typed or pasted as a map link, kept on the venue, linked to
Neshan, Balad and OpenStreetMap from the event page."""
import pytest

from eventsapp.events import services
from eventsapp.events.models import Event
from tests.events.test_routes import form_data  # noqa: F401 (fixture)


@pytest.mark.parametrize("text, point", [
    ("35.7012, 51.3918", (35.7012, 51.3918)),
    ("۳۵٫۷۰۱۲، ۵۱٫۳۹۱۸", (35.7012, 51.3918)),
    ("٣٥.٧٠١٢ ٥١.٣٩١٨", (35.7012, 51.3918)),
    ("https://neshan.org/maps/@35.699739,51.338097,15.0z,0.0p", (35.699739, 51.338097)),
    ("https://balad.ir/location?latitude=32.6539&longitude=51.666&zoom=16", (32.6539, 51.666)),
    ("https://www.openstreetmap.org/?mlat=36.2&mlon=59.6#map=17/36.2/59.6", (36.2, 59.6)),
    ("https://www.google.com/maps/place/x/@35.6997,51.3380,17z", (35.6997, 51.338)),
    ("", None), ("   ", None),
])
def test_parse_location(text, point):
    assert services.parse_location(text) == point


@pytest.mark.parametrize("text", ["51.3918, 35.7012", "48.85, 2.35", "نزدیک میدان", "35", "1.5, 2.5"])
def test_a_point_outside_iran_or_no_point_is_refused(text):
    with pytest.raises(services.EventError) as refused:
        services.parse_location(text)
    assert refused.value.details["field"] == "venue.location"


def test_event_page_links_the_venue_to_three_maps(client, db, login_as, form_data):  # noqa: F811
    login_as("organizer")
    link = "https://neshan.org/maps/@35.5769,53.3953,16z"
    response = client.post("/events/new", data=form_data(venue_location=link))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    event = db.session.query(Event).one()
    assert event.venue.location == (35.5769, 53.3953)
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'href="https://neshan.org/maps/@35.5769,53.3953,16z"' in html
    assert 'href="https://balad.ir/location?latitude=35.5769&amp;longitude=53.3953&amp;zoom=16"' in html
    assert "openstreetmap.org/?mlat=35.5769&amp;mlon=53.3953" in html
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="35.5769, 53.3953"' in edit


def test_a_bad_location_is_marked_and_nothing_saved(client, db, login_as, form_data):  # noqa: F811
    login_as("organizer")
    response = client.post("/events/new", data=form_data(venue_location="51.39, 35.70"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="venue_location-error"' in html and "نقطه باید در ایران باشد" in html
    assert db.session.query(Event).count() == 0


def test_without_a_location_there_are_no_map_links(client, db, login_as, form_data):  # noqa: F811
    login_as("organizer")
    assert client.post("/events/new", data=form_data()).status_code == 302
    event = db.session.query(Event).one()
    assert "مسیریابی" not in client.get(f"/events/{event.id}").get_data(as_text=True)
