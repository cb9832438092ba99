"""Fixtures for the NGO registry tests."""
import pytest

from eventsapp.places.services import find_county, find_province


@pytest.fixture
def place(db):
    """place("تهران") → Province; place("تهران", "شمیرانات") → County."""
    def get(province, county=None):
        p = find_province(db.session, province)
        return find_county(db.session, county, p) if county else p
    return get


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path):
    """Uploads waiting between preview and confirmation go to a fresh folder per test."""
    app.config["NGO_IMPORT_DIR"] = str(tmp_path / "imports")
    yield tmp_path / "imports"
    app.config.pop("NGO_IMPORT_DIR", None)
