"""CT chest's lung-nodule questions on the form: asked only after the person says a CT found a
nodule, checked at the field (a size from 0 to 100 mm, a CT date not in the future), and sent as
answers that reach the same Fleischner schedule a CT report's nodule gets."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.models import Appeal

from .conftest import appeal_count, days_ago, errors_for, field_value, parse, valid_form

CHEST = "ct_chest"
NODULE_FIELDS = ["q_nodule_size", "q_nodule_kind", "q_nodule_count", "q_nodule_ct_date", "q_smoking",
                 "q_follow_up_advised"]
ALL_SHOWN = " ".join(["q_nodule", *NODULE_FIELDS, "q_symptoms", "q_blood", "q_xray_done", "q_exam_visit",
                      "q_cancer"])


def _labels(tree) -> str:
    return " ".join(tree.xpath('//fieldset[@id="questions"]')[0].text_content().split())


def _chest_form(**answers) -> dict:
    """A CT chest appeal with no notes: only the form's answers speak for the nodule."""
    return valid_form(service="71250", questions_for=CHEST, questions_shown=ALL_SHOWN,
                      original_request="CT chest without contrast, follow-up of a lung nodule.",
                      denial_text="Follow-up CT chest is not medically necessary.",
                      documentation="", documentation_source="", **answers)


def _filed(client, app, data) -> tuple[dict, dict]:
    response = client.post("/", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        appeal = db.session.scalars(select(Appeal)).one()
        return appeal.case_json, appeal.result_json


def _interval(result: dict) -> dict:
    assert "nodule_follow_up" in result["pathway"]["id"], result["pathway"]
    return next(r for r in result["requirements"] if r["id"] == "interval")


def test_the_nodule_questions_wait_for_a_yes_to_a_nodule(client):
    first = parse(client.post("/", data={"mode": "appeal", "service": "71250", "continue_": "Continue"}))
    labels = _labels(first)
    assert "Did an earlier CT find a spot (nodule) on your lung?" in labels
    for asked in ("How big is the nodule", "How does the CT report describe", "one nodule or several",
                  "On what date was the CT that found the nodule", "Do you smoke",
                  "say to repeat the CT after a set time"):
        assert asked not in labels, asked
    assert first.xpath('//*[@name="q_nodule_size"]') == []

    no = parse(client.post("/", data={"mode": "appeal", "service": "71250", "questions_for": CHEST,
                                      "questions_shown": field_value(first, "questions_shown"),
                                      "q_nodule": "no", "continue_": "Next"}))
    assert "How big is the nodule" not in _labels(no)

    yes = parse(client.post("/", data={"mode": "appeal", "service": "71250", "questions_for": CHEST,
                                       "questions_shown": field_value(first, "questions_shown"),
                                       "q_nodule": "yes", "continue_": "Next"}))
    labels = _labels(yes)
    assert "How big is the nodule, in millimetres (mm)? It is in the CT report." in labels
    assert "Ground-glass (hazy, not solid)" in labels and "Several nodules" in labels
    assert "On what date was the CT that found the nodule?" in labels
    assert "Do you smoke, or did you smoke regularly in the past?" in labels
    shown = field_value(yes, "questions_shown").split()
    assert all(name in shown for name in NODULE_FIELDS)


def test_a_size_out_of_range_or_a_future_date_is_refused_at_its_field(client, app):
    for size, message in (("0", "more than 0 and at most 100"), ("250", "more than 0 and at most 100"),
                          ("-4", "more than 0 and at most 100"), ("seven", "is not a number")):
        tree = parse(client.post("/", data=_chest_form(q_nodule="yes", q_nodule_size=size)))
        assert any(message in m for m in errors_for(tree, "q_nodule_size")), (size, errors_for(tree, "q_nodule_size"))
    tree = parse(client.post("/", data=_chest_form(q_nodule="yes", q_nodule_size="7",
                                                   q_nodule_ct_date=days_ago(-3))))
    assert errors_for(tree, "q_nodule_ct_date") == ["This date cannot be in the future."]
    assert errors_for(tree, "q_nodule_size") == []
    assert appeal_count(app) == 0


def test_answers_only_a_nodule_due_for_its_follow_up_is_an_appeal(client, app):
    case, result = _filed(client, app, _chest_form(
        q_nodule="yes", q_nodule_size="7", q_nodule_kind="Solid", q_nodule_count="One nodule",
        q_nodule_ct_date=days_ago(250), q_smoking="no"))
    assert case["answers"] == {"nodule": True, "nodule_size": 7, "nodule_kind": "Solid",
                               "nodule_count": "One nodule", "nodule_ct_date": days_ago(250), "smoking": False}
    assert not case.get("documentation")  # no notes: the answers alone
    assert result["outcome"] == "appeal"
    interval = _interval(result)
    assert interval["status"] == "omitted"
    assert any("How big is the nodule" in e["quote"] and "7" in e["quote"] for e in interval["evidence"])


def test_answers_only_a_nodule_too_soon_says_when_it_is_due(client, app):
    _, result = _filed(client, app, _chest_form(
        q_nodule="yes", q_nodule_size="8", q_nodule_kind="Ground-glass (hazy, not solid)",
        q_nodule_count="One nodule", q_nodule_ct_date=days_ago(60)))
    assert result["outcome"] == "not_met"
    interval = _interval(result)
    assert interval["status"] == "unmet"
    assert "8 mm ground-glass nodule" in interval["needed"] and "6-12 months" in interval["needed"]
    assert f"the CT that measured it was on {days_ago(60)}" in interval["needed"]


def test_a_nodule_answer_not_called_for_is_not_sent(client, app):
    # The size was typed, then the nodule answer changed to no: the size is not on the page any more.
    case, _ = _filed(client, app, _chest_form(q_nodule="no", q_nodule_size="7", q_nodule_ct_date=days_ago(250)))
    assert case["answers"] == {"nodule": False}
