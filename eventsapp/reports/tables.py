"""Each report as a table (Persian headers, Jalali dates): what the CSV and XLSX exports write,
from the same service results the pages show, so that a file has exactly the page's numbers."""
from ..awards.models import AwardKind
from ..events.models import EventKind
from ..jalali import format_date, format_time
from ..ngos.models import NgoStatus


def _rate(rate) -> str:
    return "" if rate is None else f"{rate * 100:.1f}٪"


TOTAL_HEADERS = ["رویداد برگزارشده", "ظرفیت", "ثبت‌نام قطعی", "حاضران", "غایبان", "نرخ حضور", "نفر-روز حضور"]


def _totals(t) -> list:
    return [t.events, t.capacity, t.registered, t.attended, t.no_shows, _rate(t.rate), t.checkins]


def months_table(report):
    headers = ["ماه", *TOTAL_HEADERS] + [f"{k.label} (رویداد)" for k in EventKind]
    rows = [[m.label, *_totals(m.total), *[m.by_kind[k].events for k in EventKind]]
            for m in report.months]
    rows.append(["جمع", *_totals(report.total), *[report.by_kind[k].events for k in EventKind]])
    return headers, rows


def events_table(report):
    headers = ["عنوان", "نوع", "تاریخ", "استان", "ظرفیت", "ثبت‌نام قطعی", "حاضران", "غایبان", "نرخ حضور",
               "نفر-روز حضور"]
    rows = [[e.title, e.kind.label, format_date(e.starts_on, "short"), e.province, e.capacity, e.registered,
             e.attended, e.no_shows, _rate(e.rate), e.checkins] for e in report.events]
    return headers, rows


def provinces_table(report):
    headers = ["استان", *TOTAL_HEADERS]
    return headers, [[name, *_totals(t)] for name, t in report.by_province]


def reach_table(reach, outreach):
    """The outreach list: NGOs never reached, after the reach figures."""
    headers = ["سمن", "شمارهٔ ثبت", "استان", "شهرستان", "تلفن"]
    rows = [[n.name, n.registration_no, n.province.name if n.province else "", n.county.name if n.county else "",
             n.phone] for n in outreach]
    return headers, rows


def ngos_table(rows):
    headers = ["سمن", "شمارهٔ ثبت", "استان", "شهرستان", "رویدادهای حاضرشده", "نفر-روز حضور", "حاضران",
               "جوایز"]
    return headers, [[r.name, r.registration_no, r.province, r.county, r.events, r.days, r.people, r.awards]
                     for r in rows]


def activity_table(result):
    statuses = list(NgoStatus)
    headers = (["استان"] + [f"{s.label} (از حضور)" for s in statuses] + [f"{s.label} (اعلام‌شده)" for s in statuses]
               + ["جمع"])
    rows = [[r.province, *[r.derived[s] for s in statuses], *[r.declared[s] for s in statuses], r.total]
            for r in result.provinces]
    rows.append(["جمع کشور" if len(result.provinces) > 1 else "جمع", *[result.derived[s] for s in statuses],
                 *[result.declared[s] for s in statuses], result.total])
    return headers, rows


def awards_table(report):
    kinds = list(AwardKind)
    headers = ["گروه", "نام", "تاریخ", *[k.label for k in kinds], "جمع"]
    rows = [["نوع", k.label, "", *[report.by_kind[x] if x == k else "" for x in kinds], report.by_kind[k]]
            for k in kinds]
    rows += [["رویداد", title, format_date(starts_on, "short"), *[by[k] for k in kinds], total]
             for _, title, starts_on, by, total in report.by_event]
    rows += [["سمن", name, "", *[by[k] for k in kinds], total] for _, name, by, total in report.by_ngo]
    return headers, rows


def attendance_table(days, rows, *, national_ids=True):
    """The sheet; the national IDs only for the event's own organizers (``national_ids``)."""
    ids = ["کد ملی"] if national_ids else []
    headers = ["ردیف", "نام و نام خانوادگی", *ids, "سمن", "شهرستان", "وضعیت"] + [
        format_date(d, "medium") for d in days]
    out = [[i, r.full_name, *([r.national_id] if national_ids else []), r.ngo, r.county, r.status.label,
            *[format_time(t) if t else "غایب" for t in r.times]] for i, r in enumerate(rows, start=1)]
    return headers, out


def history_table(rows):
    headers = ["رویداد", "نوع", "تاریخ", "ثبت‌نام قطعی", "حاضران", "روزهای حضور", "جوایز"]
    return headers, [[h.title, h.kind.label, format_date(h.starts_on, "short"), h.registered, h.attended, h.days,
                      "، ".join(f"{k.label}: {t}" for k, t in h.awards)] for h in rows]

