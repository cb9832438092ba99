"""One load-and-authorise helper per resource, shared by pages and API (issue 10, item 3):
404 for what the caller may not know exists, 403 for what they may see but not change."""
import pytest

from eventsapp.awards import services
from eventsapp.events.models import EventStatus
from eventsapp.refusals import Access, AccessRefusal
from tests.awards.conftest import AFTER
from tests.conftest import api_headers, login


def refusal(call):
    with pytest.raises(AccessRefusal) as info:
        call()
    return info.value.reason, info.value.status


def test_another_bodys_draft_is_not_found_on_pages_and_api(client, db, meeting, make_user):
    meeting.event.status = EventStatus.draft
    db.session.commit()
    stranger, event_id = make_user("organizer"), meeting.event.id
    assert refusal(lambda: services.managed_event(db.session, stranger, event_id)) == (Access.not_found, 404)
    api = client.get(f"/api/v1/events/{event_id}/awards", headers=api_headers(stranger))
    assert api.status_code == 404 and api.json["error"] == "not_found"
    login(client, stranger)
    assert client.get(f"/events/{event_id}/awards").status_code == 404
    # Its own organizer sees it, but a draft gives no awards: a conflict with its state.
    given = client.post(f"/api/v1/events/{event_id}/awards", headers=api_headers(meeting.organizer),
                        json={"kind": "plaque", "ngo_id": meeting.ngos[0].id})
    assert given.status_code == 409 and given.json["error"] == "event_not_held"


def test_a_held_event_is_seen_but_not_managed_by_another_body(db, meeting, make_user):
    stranger = make_user("organizer")
    assert refusal(lambda: services.managed_event(db.session, stranger, meeting.event.id)) == (Access.forbidden, 403)
    assert services.managed_event(db.session, meeting.organizer, meeting.event.id) is meeting.event
    assert refusal(lambda: services.managed_event(db.session, meeting.organizer, 999999)) == (Access.not_found, 404)


def test_an_award_is_printed_by_its_ngos_secretaries_and_revoked_by_its_managers(client, db, meeting, make_user):
    award = services.give_bulk(db.session, meeting.event, meeting.ngos[:1], actor=meeting.organizer, now=AFTER).award
    db.session.commit()
    own, other = make_user("secretary", ngo=meeting.ngos[0]), make_user("secretary", ngo=meeting.ngos[1])
    assert services.award_for(db.session, own, award.id, to="print") is award
    assert refusal(lambda: services.award_for(db.session, other, award.id, to="print")) == (Access.not_found, 404)
    assert refusal(lambda: services.award_for(db.session, own, award.id)) == (Access.forbidden, 403)
    assert services.award_for(db.session, meeting.organizer, award.id) is award
    assert refusal(lambda: services.award_for(db.session, meeting.organizer, 999999)) == (Access.not_found, 404)
    login(client, other)
    assert client.get(f"/awards/{award.id}/print").status_code == 404
    revoke = client.post(f"/api/v1/awards/{award.id}/revoke", headers=api_headers(own), json={"reason": "x"})
    assert revoke.status_code == 403 and revoke.json["error"] == "forbidden"
