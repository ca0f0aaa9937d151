"""The criteria library: every file validates, every source is citable, bad files are named."""

import shutil
from pathlib import Path

import pytest

from appeals.criteria import DATA_DIR, LibraryError, load_library, read_library

REQUIRED_SERVICES = {"mri_lumbar_spine", "mri_cervical_spine", "mri_brain_headache", "ct_head_headache",
                     "ct_head_trauma", "mri_knee", "mri_shoulder", "mri_hip"}
WITHOUT_EMERGENCY = {"mri_breast", "pet_ct_oncology", "polysomnography"}
QUESTION_TYPES = {"yes_no", "number", "date", "choice", "text"}


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_every_service_file_validates_and_the_required_services_exist(library):
    files = sorted((DATA_DIR / "services").glob("*.yaml"))
    assert {p.stem for p in files} == {s.id for s in library.services}
    assert REQUIRED_SERVICES <= {s.id for s in library.services}


def test_every_source_has_a_url_a_version_and_a_check_date(library):
    for service in library.services:
        for source in service.sources:
            assert source.url.startswith("https://"), (service.id, source.id)
            assert source.version.strip(), (service.id, source.id)
            assert source.publisher and source.title and source.section
            assert source.checked.year >= 2025


def test_payer_variants_and_the_neutral_default(library):
    lumbar = library.get("mri_lumbar_spine")
    assert set(lumbar.payers()) == {"acr", "evicore", "uhc", "carelon", "aetna"}
    assert all("acr" in s.payers() for s in library.services)


def test_every_service_has_codes_questions_and_signs(library):
    for service in library.services:
        assert service.codes and all(len(c) == 5 and c.isdigit() for c in service.codes)
        questions = library.questions(service)
        assert questions, service.id
        ids = [q.id for q in questions]
        assert len(ids) == len(set(ids)), service.id
        for q in questions:
            assert q.type in QUESTION_TYPES and q.text.endswith("?") or q.type == "date" or q.text
            if q.type == "choice":
                assert q.choices
        # Breast MRI, PET/CT and sleep studies: their criteria name no emergency.
        assert service.emergency_signs or service.id in WITHOUT_EMERGENCY, service.id


def test_load_library_is_cached(library):
    assert load_library() is library


@pytest.mark.parametrize("text, expected", [
    ("72148", "mri_lumbar_spine"),
    ("mri_knee", "mri_knee"),
    ("MRI L-spine w/o contrast", "mri_lumbar_spine"),
    ("mri lumbar spine without contrast", "mri_lumbar_spine"),
    ("MRI C-Spine", "mri_cervical_spine"),
    ("MRI RT shoulder wo contrast", "mri_shoulder"),
    ("Left knee MRI", "mri_knee"),
    ("MRI brain w/ and w/o contrast", "mri_brain_headache"),
    ("CT head without contrast", "ct_head_headache"),
    ("CT head after a fall", "ct_head_trauma"),
    ("MRI pelvis", "mri_hip"),
    ("CPT 72141", "mri_cervical_spine"),
    ("PET scan", "pet_ct_oncology"),
    ("PET/CT skull base to mid-thigh", "pet_ct_oncology"),
    ("78452", "spect_mpi"),
    ("nuclear stress test", "spect_mpi"),
    ("stress echo", "stress_echo"),
    ("coronary CTA", "ccta"),
    ("MRI breasts bilateral w/o and w contrast", "mri_breast"),
    ("sleep study", "polysomnography"),
    ("95811", "polysomnography"),
])
def test_resolve_names_codes_and_ids(library, text, expected):
    assert library.resolve(text).id == expected


@pytest.mark.parametrize("text", ["", "   ", "PET brain", "CT perfusion head", "MR angiography head", "99213", "x-ray knee", "colonoscopy"])
def test_resolve_refuses_what_the_library_does_not_cover(library, text):
    assert library.resolve(text) is None


def test_search_ranks_by_name_and_code(library):
    assert [s.id for s in library.search("knee")][0] == "mri_knee"
    assert [s.id for s in library.search("7214")] == ["mri_lumbar_spine", "mri_cervical_spine", "mri_thoracic_spine"]
    assert library.search("lumbar")[0].id == "mri_lumbar_spine"
    assert library.search("") == library.services
    assert library.search("zzzz") == []


# --- a bad file fails naming the file, the path inside it and what is wrong ------------------

@pytest.fixture
def broken_copy(tmp_path):
    target = tmp_path / "criteria"
    (target / "services").mkdir(parents=True)
    shutil.copy(DATA_DIR / "vocabulary.yaml", target / "vocabulary.yaml")
    shutil.copy(DATA_DIR / "services" / "mri_knee.yaml", target / "services" / "mri_knee.yaml")
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_wrong_type_names_file_and_path(broken_copy):
    knee = broken_copy / "services" / "mri_knee.yaml"
    _edit(knee, "        weeks: 6\n", "        weeks: six\n")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    err = info.value
    assert err.file.endswith("mri_knee.yaml")
    assert err.path.startswith("pathways[") and err.path.endswith(".weeks")
    assert "number" in err.message


def test_an_unknown_concept_is_named(broken_copy):
    knee = broken_copy / "services" / "mri_knee.yaml"
    _edit(knee, "facts: [meniscal_test, twisting_injury, locked_knee, effusion]",
          "facts: [meniscal_test, twisting_injury, locked_knee, efusion]")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert "efusion" in info.value.message and ".facts[3]" in info.value.path


def test_an_unknown_field_and_a_missing_url(broken_copy):
    knee = broken_copy / "services" / "mri_knee.yaml"
    _edit(knee, "lateral: true", "lateral: true\nlaterality: both")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert info.value.path == "laterality" and "unknown field" in info.value.message
    _edit(knee, "lateral: true\nlaterality: both", "lateral: true")
    _edit(knee, "    url: https://acsearch.acr.org/docs/69432/Narrative/\n", "")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert info.value.path == "sources[0].url"


def test_a_bad_pattern_in_the_vocabulary_is_named(broken_copy):
    vocab = broken_copy / "vocabulary.yaml"
    _edit(vocab, "patterns: ['neck pain',", "patterns: ['neck pain(',")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert info.value.file.endswith("vocabulary.yaml")
    assert info.value.path.startswith("concepts.neck_pain.patterns")
    assert "regular expression" in info.value.message


def test_invalid_yaml_names_the_line(broken_copy):
    knee = broken_copy / "services" / "mri_knee.yaml"
    knee.write_text(knee.read_text() + "\n  - {broken: [\n")
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert info.value.path.startswith("line ") and "YAML" in info.value.message


def test_a_pathway_needs_a_neutral_default(broken_copy):
    knee = broken_copy / "services" / "mri_knee.yaml"
    knee.write_text(knee.read_text().replace("payer: acr", "payer: aetna"))
    with pytest.raises(LibraryError) as info:
        read_library(broken_copy)
    assert "acr" in info.value.message
