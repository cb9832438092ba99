"""Persian alphabetical order: in the database (SQLite's ``fa`` collation, PostgreSQL's ICU) and
in Python (``persian.sort_key``), in the lists people see."""
import random

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from eventsapp.dbtypes import persian_order
from eventsapp.persian import compare, sort_key
from eventsapp.places import services as places
from eventsapp.places.models import County, Province

PROVINCES_IN_ORDER = [
    "آذربایجان شرقی", "آذربایجان غربی", "اردبیل", "اصفهان", "البرز", "ایلام", "بوشهر", "تهران",
    "چهارمحال و بختیاری", "خراسان جنوبی", "خراسان رضوی", "خراسان شمالی", "خوزستان", "زنجان",
    "سمنان", "سیستان و بلوچستان", "فارس", "قزوین", "قم", "کردستان", "کرمان", "کرمانشاه",
    "کهگیلویه و بویراحمد", "گلستان", "گیلان", "لرستان", "مازندران", "مرکزی", "هرمزگان", "همدان",
    "یزد",
]


def test_provinces_come_in_persian_order(db):
    assert [p.name for p in places.all_provinces(db.session)] == PROVINCES_IN_ORDER


def test_database_and_python_agree_on_every_county(db):
    names = list(db.session.scalars(select(County.name).order_by(persian_order(County.name))))
    assert len(names) > 400
    assert names == sorted(names, key=sort_key)
    assert names != sorted(names), "code-point order would be the same: the test proves nothing"


def test_counties_of_a_province_in_order(db):
    tehran = db.session.scalar(select(Province).where(Province.name == "تهران"))
    names = [c.name for c in tehran.counties]
    assert names == sorted(names, key=sort_key)


def test_postgresql_icu_and_sort_key_agree(db):
    """Where production runs: the ICU collation orders every county as ``sort_key`` does."""
    if db.engine.dialect.name != "postgresql":
        names = list(db.session.scalars(select(County.name)))
        random.Random(4).shuffle(names)
        rows = db.session.execute(text("SELECT name FROM counties ORDER BY name COLLATE fa")).scalars()
        assert list(rows) == sorted(names, key=sort_key)
        return
    rows = db.session.execute(text('SELECT name FROM counties ORDER BY name COLLATE "fa-IR-x-icu"'))
    icu = list(rows.scalars())
    assert icu == sorted(icu, key=sort_key)


def test_letters_in_alphabet_order():
    words = ["یزد", "همدان", "گیلان", "کرمان", "ژاله", "چمران", "پارس", "آبادان", "اراک", "بابل"]
    assert sorted(words, key=sort_key) == ["آبادان", "اراک", "بابل", "پارس", "چمران", "ژاله",
                                           "کرمان", "گیلان", "همدان", "یزد"]


def test_arabic_forms_sort_with_the_persian_letter():
    assert sorted(["كرج", "کاشان", "کیش"], key=sort_key) == ["کاشان", "كرج", "کیش"]
    assert sorted(["علي", "علی‌آباد", "عباس"], key=sort_key)[0] == "عباس"
    assert compare("رویداد ۲۰۲۱", "رویداد 2021") == 0 or sort_key("رویداد ۲۰۲۱")[0] == sort_key("رویداد 2021")[0]


def test_zwnj_is_ignored_and_space_sorts_first():
    assert sort_key("مه‌ولات")[0] == sort_key("مهولات")[0]
    assert sorted(["بوئین‌زهرا", "بوئین و میاندشت"], key=sort_key) == ["بوئین و میاندشت", "بوئین‌زهرا"]


@given(st.lists(st.text(alphabet="آابپتجچخدرزژسشکگلمنوهیيك ‌۰۱2", max_size=8), max_size=12))
def test_compare_is_a_total_order(words):
    ordered = sorted(words, key=sort_key)
    for a, b in zip(ordered, ordered[1:]):
        assert compare(a, b) <= 0 and compare(b, a) >= 0
    assert all(compare(w, w) == 0 for w in words)


def test_ngo_list_shows_provinces_and_ngos_in_persian_order(db, client, login_as, make_ngo):
    for name in ["انجمن یاوران", "انجمن گلستان", "انجمن کوثر", "انجمن چشمه", "انجمن پویا"]:
        make_ngo(name=name)
    login_as("admin")
    html = client.get("/ngos/?per_page=100").get_data(as_text=True)
    select_html = html[html.index('id="filter-province"'):]
    select_html = select_html[:select_html.index("</select>")]
    shown = [p for p in PROVINCES_IN_ORDER if p in select_html]
    assert sorted(shown, key=select_html.index) == PROVINCES_IN_ORDER
    listed = sorted(["انجمن یاوران", "انجمن گلستان", "انجمن کوثر", "انجمن چشمه", "انجمن پویا"],
                    key=lambda n: html.index(n, html.index("</select>")))
    assert listed == ["انجمن پویا", "انجمن چشمه", "انجمن کوثر", "انجمن گلستان", "انجمن یاوران"]
