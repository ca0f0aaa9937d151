"""The form's service step finds the six services of issue 16b by name, by CPT code and by the
words patients use; words that fit several examinations ("heart scan") ask which one."""

from __future__ import annotations

import pytest

from appeals.criteria import load_library

from .conftest import appeal_count, errors_for, field_value, parse


@pytest.mark.parametrize("typed, service_id", [
    ("PET/CT", "pet_ct_oncology"), ("78815", "pet_ct_oncology"), ("cancer scan", "pet_ct_oncology"),
    ("Myocardial perfusion imaging", "spect_mpi"), ("78452", "spect_mpi"), ("nuclear stress test", "spect_mpi"),
    ("stress echocardiogram", "stress_echo"), ("93351", "stress_echo"),
    ("coronary CT angiography", "ccta"), ("75574", "ccta"),
    ("MRI breast", "mri_breast"), ("77049", "mri_breast"), ("breast MRI", "mri_breast"),
    ("sleep study", "polysomnography"), ("95810", "polysomnography"), ("overnight sleep study", "polysomnography"),
])
def test_continue_finds_the_service_and_asks_its_questions(client, app, typed, service_id):
    response = client.post("/", data={"mode": "appeal", "service": typed, "continue_": "Continue"})
    assert response.status_code == 200, typed
    tree = parse(response)
    service = load_library().get(service_id)
    assert service.name in tree.xpath('//*[@id="service-found"]')[0].text_content()
    assert field_value(tree, "questions_for") == service_id
    assert appeal_count(app) == 0


def test_heart_scan_offers_the_three_heart_examinations(client, app):
    response = client.post("/", data={"mode": "appeal", "service": "heart scan", "continue_": "Continue"})
    assert response.status_code == 422
    message = errors_for(parse(response), "service")[0]
    for service_id in ("spect_mpi", "stress_echo", "ccta"):
        assert load_library().get(service_id).name in message
    assert appeal_count(app) == 0
