"""Every page route × every role: a signed-in user whose role the route does not allow gets 403
(before the view runs, whatever the ids in the URL), for every method the route takes; no role
gets a 5xx anywhere. Routes added by any issue are walked from the URL map, so they are covered
the day they appear. (tests/test_foundation.py checks that every route declares its roles.)"""
import pytest
from werkzeug.routing import AnyConverter

from eventsapp.accounts.models import Role
from tests.conftest import login

SAMPLE = {"code": "A" * 22, "token": "B" * 32, "fmt": "csv", "kind": "body"}


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else \
                converter.regex.strip("()").split("|")[0]
        elif name.endswith("_id"):
            values[name] = 1
        else:
            values[name] = SAMPLE.get(name, "x")
    return rule.build(values, append_unknown=False)[1]


def _guarded_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("static", "accounts.logout") or rule.rule.startswith("/api/"):
            continue  # (signing out would end the walk)
        access = getattr(app.view_functions[rule.endpoint], "access", "public")
        if access != "public":
            yield rule, access


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_route_refuses_the_roles_it_does_not_allow(app, client, make_user, role):
    login(client, make_user(role))
    checked, wrong = 0, []
    for rule, access in _guarded_rules(app):
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            status = response.status_code
            if status >= 500:
                wrong.append((method, url, status))
            elif role not in access:
                checked += 1
                if status != 403:
                    wrong.append((method, url, status))
    assert wrong == [], f"{role}: {wrong}"
    assert checked > 0 or role == Role.admin.value
