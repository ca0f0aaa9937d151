def test_api_refuses_missing_and_bad_tokens(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.get_json()["message"]
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer apl_nope"})
    assert response.status_code == 401


def test_api_accepts_a_live_token(client, api_headers):
    response = client.get("/api/v1/me", headers=api_headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == "clinic.user@example.test"
