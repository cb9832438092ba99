"""The API base: bearer tokens, JSON errors, the OpenAPI document."""
from tests.conftest import api_headers


def test_me_with_a_token(client, make_user):
    user = make_user("secretary")
    response = client.get("/api/v1/me", headers=api_headers(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == user.username and body["role"] == "secretary"
    assert body["ngo"]["id"] == user.ngo_id


def test_api_refuses_missing_bad_and_cookie_auth(client, login_as):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json() == {"error": "unauthorized", "message": "توکن معتبر فرستاده نشده است."}
    login_as("admin")  # a browser session is not an API credential
    assert client.get("/api/v1/me").status_code == 401


def test_api_errors_are_json(client):
    response = client.post("/api/v1/me")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_openapi_document_is_generated_from_the_code(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Error" in spec["components"]["schemas"]


def test_cli_api_token_prints_a_working_token(app, client, make_user):
    user = make_user("door", username="doorcli")
    result = app.test_cli_runner().invoke(args=["api-token", "doorcli"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).get_json()["id"] == user.id
    missing = app.test_cli_runner().invoke(args=["api-token", "nobody"])
    assert missing.exit_code != 0
