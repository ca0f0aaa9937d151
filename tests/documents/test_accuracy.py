"""Done means: on real files the tests make (letters and notes rendered by LibreOffice, then
photographed badly and scanned), every denial field is right on the text-layer PDFs, at least
95 % of fields are right on the degraded photos, and the case built from the documents matches
exactly as the typed case does."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from appeals.contract import parse_case
from appeals.intake.documents import build_case
from appeals.intake.documents.denial_letter import read_denial_letter
from appeals.intake.documents.reading import Reading, add_document
from appeals.matching import match_case

pytestmark = pytest.mark.libreoffice


def field_is_right(name: str, expected, got) -> bool:
    """Exact, except the reason paragraph, which a person reads: 95 % of its characters."""
    if name == "denial.text" and expected and got:
        return fuzz.ratio(expected, got) >= 95
    return expected == got


def score(bundles, readings, kind: str) -> tuple[int, int, list[str]]:
    right = total = 0
    wrong = []
    for bundle in bundles:
        if kind not in bundle.files:
            continue
        got = {item.name: item.value for item in read_denial_letter(readings.of(bundle.files[kind]))}
        for name, expected in bundle.expected.items():
            total += 1
            if field_is_right(name, expected, got.get(name)):
                right += 1
            else:
                wrong.append(f"{bundle.name} {name}: expected {expected!r}, read {got.get(name)!r}")
    return right, total, wrong


def test_there_are_at_least_twenty_documents(bundles):
    documents = [path for bundle in bundles for path in bundle.files.values()]
    assert len(documents) >= 20
    assert sum(1 for bundle in bundles if bundle.expected) >= 9


def test_every_denial_field_is_right_on_text_layer_pdfs(bundles, readings):
    right, total, wrong = score(bundles, readings, "letter_pdf")
    assert total >= 9 * 12
    assert wrong == []


@pytest.mark.ocr
@pytest.mark.parametrize("kind", ["letter_photo", "letter_photo_tilted"])
def test_most_fields_are_right_on_degraded_phone_photos(bundles, readings, kind):
    right, total, wrong = score(bundles, readings, kind)
    print(f"\n{kind}: {right}/{total} fields right", *wrong, sep="\n  ")
    assert total >= 9 * 12
    assert right / total >= 0.95, wrong


def outcome(case: dict) -> tuple:
    result = match_case(parse_case(case)).to_json()
    return (result["outcome"], result["urgency"], result["denial"] and result["denial"]["category"],
            [(item["id"], item["status"]) for item in result["requirements"]],
            result["deadline"] and result["deadline"]["date"])


def case_from(bundle, readings, kinds: list[str]) -> dict:
    reading = Reading()
    for kind in kinds:
        if kind in bundle.files:
            add_document(reading, readings.of(bundle.files[kind]))
    values = reading.values()
    # What the documents do not show, the person gives on the confirm page: the kind of plan
    # where the letter has no wording for it (and there is no letter before filing), and the day
    # the letter arrived (no letter says it).
    values.setdefault("plan_type", bundle.typed["plan_type"])
    received = (bundle.typed.get("denial") or {}).get("received_date")
    if received:
        values["denial.received_date"] = received
    return build_case(values, [note.to_json() for note in reading.notes])


def test_case_from_text_layer_documents_matches_as_the_typed_case(bundles, readings):
    for bundle in bundles:
        case = case_from(bundle, readings, ["letter_pdf", "records_pdf", "order_pdf"])
        assert outcome(case) == outcome(bundle.typed), bundle.name
        assert len(case["documentation"]) == len(bundle.typed["documentation"]), bundle.name


@pytest.mark.ocr
def test_case_from_photos_and_scans_matches_as_the_typed_case(bundles, readings):
    """The letter as a phone photo and the records as a scan without a text layer."""
    for bundle in bundles[:6]:
        case = case_from(bundle, readings, ["letter_photo", "records_scan", "order_pdf"])
        assert outcome(case) == outcome(bundle.typed), bundle.name


def test_records_are_split_into_dated_notes_with_their_source(bundles, readings):
    bundle = next(b for b in bundles if b.name == "lumbar_appeal_omitted_pt")
    reading = Reading()
    add_document(reading, readings.of(bundle.files["records_pdf"]))
    assert [(note.date, note.source) for note in reading.notes] == [
        ("2026-08-24", "Office Visit"), ("2026-10-26", "Physical Therapy Discharge Summary"),
        ("2026-10-30", "Follow-up Visit")]
    assert reading.notes[1].text == bundle.typed["documentation"][1]["text"]
    assert reading.documents[0].role == "records"


@pytest.mark.ocr
def test_scanned_records_keep_page_and_confidence(bundles, readings):
    bundle = next(b for b in bundles if b.name == "lumbar_appeal_omitted_pt")
    document = readings.of(bundle.files["records_scan"])
    assert document.method == "ocr"
    assert document.lines and all(line.page == 1 for line in document.lines)
    assert all(0 <= line.confidence <= 100 for line in document.lines)
    assert sum(line.confidence for line in document.lines) / len(document.lines) > 80
    reading = Reading()
    add_document(reading, document)
    assert [note.date for note in reading.notes] == ["2026-08-24", "2026-10-26", "2026-10-30"]


def test_the_order_is_the_original_request(bundles, readings):
    bundle = next(b for b in bundles if b.name == "knee_not_met")
    reading = Reading()
    add_document(reading, readings.of(bundle.files["order_pdf"]))
    assert reading.documents[0].role == "order"
    assert reading.field("original_request").value == bundle.typed["original_request"]
    assert reading.field("payer").value == bundle.typed["payer"]


@pytest.mark.ocr
def test_a_heic_photo_is_read(bundles, readings, tmp_path):
    """HEIC (an iPhone's photo) is decoded by pillow-heif, then read like any photo."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    bundle = next(b for b in bundles if b.name == "knee_not_met")
    path = tmp_path / "letter.heic"
    Image.open(bundle.files["letter_photo_tilted"]).save(path, "HEIF", quality=60)
    got = {item.name: item.value for item in read_denial_letter(readings.of(path))}
    assert got["denial.reference"] == bundle.expected["denial.reference"]
    assert got["denial.notice_date"] == bundle.expected["denial.notice_date"]
