"""Keeps ``report_attendance`` (who came, one row per registration) following ``checkins``.

The door writes check-ins at its own pace and knows nothing of the reports; before a report
reads, ``refresh`` compares three cheap figures with what it saw last time: the highest
check-in id (new scans), the latest undo, and the number of check-in rows (fewer means rows
were deleted with their event). New scans and undos recompute only the registrations they
touch; a deletion rebuilds the table. A report after a busy minute at the door costs a few
milliseconds; with nothing new, three index lookups.
"""
from sqlalchemy import delete, func, insert, select, text

from ..checkin.models import CheckIn
from ..extensions import begin_write
from ..jalali import utcnow
from ..registrations.models import Registration
from .models import Attendance, FactsState

CHUNK = 900  # ids per IN (…) list, under SQLite's variable limit


def _now_figures(session):
    max_id = session.scalar(select(func.max(CheckIn.id))) or 0
    undone = session.scalar(select(func.max(CheckIn.undone_at)).where(CheckIn.undone_at.is_not(None)))
    rows = session.scalar(select(func.count()).select_from(CheckIn)) or 0
    return max_id, undone, rows


def _rows_for(registration_ids=None):
    query = (select(Registration.id, Registration.event_id, Registration.ngo_id,
                    Registration.national_id, func.count())
             .join(CheckIn, CheckIn.registration_id == Registration.id)
             .where(CheckIn.undone_at.is_(None))
             .group_by(Registration.id, Registration.event_id, Registration.ngo_id, Registration.national_id))
    if registration_ids is not None:
        query = query.where(Registration.id.in_(registration_ids))
    return query


def _write(session, rows):
    rows = [{"registration_id": r, "event_id": e, "ngo_id": n, "person": p, "days": d}
            for r, e, n, p, d in rows]
    for i in range(0, len(rows), 5000):
        session.execute(insert(Attendance), rows[i:i + 5000])


def is_fresh(session) -> bool:
    state = session.get(FactsState, 1)
    return state is not None and (state.checkin_max_id, state.undone_max_at, state.checkin_rows) == _now_figures(session)


def refresh(session, *, now=None) -> str:
    """Bring ``report_attendance`` up to date; returns "fresh", "updated" or "rebuilt".
    Flushes, and the caller commits; it takes the write lock only when there is work."""
    if is_fresh(session):
        return "fresh"
    session.rollback()
    begin_write(session)
    state = session.scalars(select(FactsState).where(FactsState.id == 1).with_for_update()).first()
    max_id, undone, rows = _now_figures(session)
    if state is not None and (state.checkin_max_id, state.undone_max_at, state.checkin_rows) == (max_id, undone, rows):
        return "fresh"  # another request did it while this one waited for the lock
    new_rows = 0
    if state is not None:
        new_rows = session.scalar(select(func.count()).select_from(CheckIn)
                                  .where(CheckIn.id > state.checkin_max_id)) or 0
    if state is None or rows != state.checkin_rows + new_rows:
        session.execute(delete(Attendance))
        _write(session, session.execute(_rows_for()).all())
        outcome = "rebuilt"
        session.execute(text("ANALYZE report_attendance"))  # the planner's statistics of the new rows
    else:
        touched = select(CheckIn.registration_id).where(CheckIn.id > state.checkin_max_id)
        if state.undone_max_at is not None:
            touched = touched.union(select(CheckIn.registration_id).where(CheckIn.undone_at > state.undone_max_at))
        elif undone is not None:
            touched = touched.union(select(CheckIn.registration_id).where(CheckIn.undone_at.is_not(None)))
        ids = sorted(set(session.scalars(touched)))
        for i in range(0, len(ids), CHUNK):
            part = ids[i:i + CHUNK]
            session.execute(delete(Attendance).where(Attendance.registration_id.in_(part)))
            _write(session, session.execute(_rows_for(part)).all())
        outcome = "updated"
    if state is None:
        state = FactsState(id=1)
        session.add(state)
    state.checkin_max_id, state.undone_max_at, state.checkin_rows = max_id, undone, rows
    state.refreshed_at = now or utcnow()
    session.flush()
    return outcome
