"""The criteria files added in issue 16 (part a): each validates on its own, a broken copy is named,
each is found by name, code and the words patients use, and a shared code goes to the service the
notes describe."""

from __future__ import annotations

import shutil

import pytest

from appeals.contract import Case
from appeals.criteria import DATA_DIR, LibraryError, load_library, read_library
from appeals.matching import choose_service

SERVICES = ("mri_thoracic_spine", "mri_foot_ankle", "mri_wrist", "mri_elbow", "ct_abdomen_pelvis",
            "ct_chest", "ct_sinus", "mri_prostate")


@pytest.fixture(scope="module")
def library():
    return load_library()


def _copy_with(tmp_path, service_id: str):
    target = tmp_path / "criteria"
    (target / "services").mkdir(parents=True)
    shutil.copy(DATA_DIR / "vocabulary.yaml", target / "vocabulary.yaml")
    shutil.copy(DATA_DIR / "services" / f"{service_id}.yaml", target / "services" / f"{service_id}.yaml")
    return target


@pytest.mark.parametrize("service_id", SERVICES)
def test_each_file_validates_alone_and_a_broken_copy_is_named(tmp_path, service_id):
    target = _copy_with(tmp_path, service_id)
    assert [s.id for s in read_library(target).services] == [service_id]
    path = target / "services" / f"{service_id}.yaml"
    text = path.read_text()
    path.write_text(text.replace("    url: https://", "    url: ftp://", 1))
    with pytest.raises(LibraryError) as err:
        read_library(target)
    assert err.value.file.endswith(f"{service_id}.yaml") and err.value.path == "sources[0].url"


@pytest.mark.parametrize("service_id", SERVICES)
def test_each_source_is_citable_and_says_what_was_read(library, service_id):
    service = library.get(service_id)
    assert "acr" in service.payers()
    for source in service.sources:
        assert source.publisher and source.title and source.section and source.version
        assert source.url.startswith("https://") and source.checked.year >= 2026
        # a source not read in the publisher's own text says so, and what was not verified
        if source.provenance == "secondary":
            assert source.note and ("not read" in source.note.lower() or "second-hand" in source.note), source.id
    used = {p.source for p in service.pathways}
    assert used <= {s.id for s in service.sources}


@pytest.mark.parametrize("text, expected", [
    ("72146", "mri_thoracic_spine"), ("MRI T-spine w/o", "mri_thoracic_spine"),
    ("MRI thoracic spine without and with contrast", "mri_thoracic_spine"),
    ("73718", "mri_foot_ankle"), ("MRI left ankle", "mri_foot_ankle"), ("foot MRI", "mri_foot_ankle"),
    ("MRI right wrist", "mri_wrist"), ("MRI elbow w/o contrast", "mri_elbow"),
    ("74177", "ct_abdomen_pelvis"), ("CT A/P with contrast", "ct_abdomen_pelvis"),
    ("CT abdomen and pelvis without contrast", "ct_abdomen_pelvis"),
    ("71250", "ct_chest"), ("CT chest w/o", "ct_chest"), ("chest CT", "ct_chest"),
    ("70486", "ct_sinus"), ("sinus CT", "ct_sinus"), ("CT sinuses without contrast", "ct_sinus"),
    ("prostate MRI", "mri_prostate"), ("multiparametric MRI prostate", "mri_prostate"),
])
def test_resolve_names_and_codes(library, text, expected):
    assert library.resolve(text).id == expected


@pytest.mark.parametrize("query, expected", [
    ("sinus CT", "ct_sinus"), ("chest scan", "ct_chest"), ("lung scan", "ct_chest"),
    ("belly scan", "ct_abdomen_pelvis"), ("stomach CT", "ct_abdomen_pelvis"),
    ("prostate", "mri_prostate"), ("ankle", "mri_foot_ankle"), ("heel", "mri_foot_ankle"),
    ("wrist", "mri_wrist"), ("elbow", "mri_elbow"), ("mid back", "mri_thoracic_spine"),
    ("upper back MRI", "mri_thoracic_spine"), ("7048", "ct_sinus"), ("7417", "ct_abdomen_pelvis"),
    ("7125", "ct_chest"),
])
def test_the_form_search_finds_them_by_name_code_and_plain_words(library, query, expected):
    assert library.search(query)[0].id == expected


def _case(service: str, note: str) -> Case:
    return Case.model_validate({"service": service, "plan_type": "employer",
                                "documentation": [{"text": note, "date": "2026-01-05"}] if note else []})


@pytest.mark.parametrize("service, note, expected", [
    ("73221", "Left wrist pain after a fall; snuffbox tenderness.", "mri_wrist"),
    ("73221", "Lateral epicondylitis, elbow pain for 3 months.", "mri_elbow"),
    ("73221", "Shoulder pain, positive empty can test.", "mri_shoulder"),
    ("73221", "", "mri_shoulder"),
    ("73721", "Right ankle sprain, positive talar tilt.", "mri_foot_ankle"),
    ("73721", "Knee pain with a positive McMurray.", "mri_knee"),
    ("72197", "PSA 6.8, up from 3.9.", "mri_prostate"),
    ("72197", "Right hip pain, positive FADIR.", "mri_hip"),
    ("72197", "Worried about prostate cancer; father had it. PSA 1.2.", "mri_hip"),
])
def test_a_shared_code_goes_to_the_service_the_notes_describe(library, service, note, expected):
    assert choose_service(library, _case(service, note)).id == expected
