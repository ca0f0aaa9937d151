"""The five built-in letters, each a function returning its python-docx Document."""

from __future__ import annotations

from docx.enum.text import WD_BREAK

from .content import (
    REF_ROWS, addressee, clinician_statement, crosswalk, deadline_block, emergency_block,
    enclosures_block, grid_table, identifiers, para, records_block, rights_block, signature,
    tag,
)
from .styles import (
    BLANK, new_document,
)


# --- the five templates ------------------------------------------------------------------------

def patient_template():
    doc = new_document("{{ appeal.title }}", "{% if denial.reference %}Ref. "
                       "{{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.member_id %} \u00b7 Member ID "
                       "{{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    para(doc, ("b", '{{ patient.name or "' + BLANK + '" }}'), style="Address")
    para(doc, "Member ID {{ patient.member_id or \"" + BLANK + "\" }}", style="Address",
         space_after=10)
    addressee(doc, "{% if denial.present %}Appeals and Grievances Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    para(doc, "{% if denial.present %}I am writing to appeal your decision dated "
              "{{ denial.notice_date }}{% if denial.reference %} (reference "
              "{{ denial.reference }}){% endif %} to deny {{ service.description }}."
              "{% if denial.text %} The notice says: \u201c{{ denial.text }}\u201d{% endif %}"
              "{% else %}I am writing in support of the request for "
              "{{ service.description }}.{% endif %} {{ appeal.request }}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, ("b", "Expedited review. "),
         "I ask for a decision within 72 hours. My treating clinician's statement supporting "
         "this request is on the last page of this letter.")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if policy.present %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "The published criteria for this service are {{ policy.citation }}."
              "{% if pathway.title %} My records {% if criteria_met %}meet{% else %}are "
              "measured against{% endif %} the pathway \u201c{{ pathway.title }}\u201d."
              "{% endif %}{% if omitted_requirements and denial.present %} The original "
              "request left out records that show {{ omitted_requirements|length }} of its "
              "requirements; I enclose them now.{% endif %}")
    tag(doc, "{%p else %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "{% if denial.present %}Your notice does not name published criteria that this "
              "decision relied on. {% endif %}Please send me the specific criteria you apply"
              "{% if records %}, and review my request against the enclosed records{% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "How my records meet each requirement", style="Heading 1")
    crosswalk(doc, "in my records")
    tag(doc, "{%p endif %}")
    records_block(doc, "My records")
    rights_block(doc)
    deadline_block(doc, "I am filing within that time.")
    para(doc, "Please confirm in writing that you received this letter, and send your decision "
              "to me at the address above.")
    signature(doc, [[('{{ patient.name or "' + BLANK + '" }}')],
                    ["Member ID {{ patient.member_id or \"" + BLANK + "\" }}"],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    clinician_statement(doc)
    return doc


def clinician_template():
    doc = new_document("Letter of medical necessity \u00b7 {{ patient.name }}",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.date_of_birth %} \u00b7 DOB "
                       "{{ patient.date_of_birth }}{% endif %}")
    emergency_block(doc, "{{ emergency.plan_notice }} This letter supports the request; it must "
                         "not delay emergency care.")
    para(doc, ("b", "From: "), BLANK + BLANK + "__________", style="Address")
    para(doc, "Treating clinician \u00b7 practice \u00b7 address \u00b7 phone \u00b7 NPI",
         style="Small", space_after=10)
    addressee(doc, "{% if denial.present %}Utilization Review / Appeals Department"
                   "{% else %}Utilization Management / Prior Authorization{% endif %}")
    para(doc, "{% if denial.present %}Letter of medical necessity \u2014 {{ appeal.title|lower }}"
              "{% else %}{{ appeal.title }}{% endif %}", style="Title")
    identifiers(doc, REF_ROWS + [("Ordering clinician", "Name " + BLANK + "  NPI " + BLANK,
                                  None)])
    para(doc, "Dear Medical Director,")
    para(doc, "I am the treating clinician for {{ patient.name or \"the patient named above\" }}"
              " and I write {% if denial.present %}to appeal the denial dated "
              "{{ denial.notice_date }} of {{ service.description }}"
              "{% if denial.text %}, which states: \u201c{{ denial.text }}\u201d"
              "{% else %}.{% endif %}{% else %}in support of the prior-authorization request "
              "for {{ service.description }}.{% endif %}"
              "{% if policy.present %} The documentation {% if criteria_met %}meets{% else %}"
              "is set against{% endif %} {{ policy.citation }}"
              "{% if pathway.title %}, pathway \u201c{{ pathway.title }}\u201d{% endif %}, "
              "element by element, as set out below.{% endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, "Request for expedited review", style="Heading 1")
    para(doc, "As the treating clinician I certify that applying the standard time frame could "
              "seriously jeopardize the patient's life, health or ability to regain maximum "
              "function. I ask for a decision within 72 hours"
              "{% if appeal.expedited_basis %} ({{ appeal.expedited_basis }}){% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "Criterion crosswalk", style="Heading 1")
    tag(doc, "{%p if policy.present %}")
    para(doc, ("b", "Criterion: "), "{{ policy.citation }}"
              "{% if policy.url %} ({{ policy.url }}){% endif %}", space_after=2, keep_next=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if pathway.title %}")
    para(doc, ("b", "Pathway: "), "{{ pathway.title }}", keep_next=True)
    tag(doc, "{%p endif %}")
    crosswalk(doc, "in the record")
    tag(doc, "{%p if omitted_requirements and denial.present %}")
    para(doc, "The original request did not include the documentation for "
              "{{ omitted_requirements|length }} of these elements; it is enclosed with this "
              "letter.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p elif not policy.present %}")
    para(doc, "Criteria", style="Heading 1")
    para(doc, "{% if denial.present %}The notice does not identify published criteria. "
              "{% endif %}Please provide the specific criteria applied so that the enclosed "
              "documentation can be reviewed against them.")
    tag(doc, "{%p endif %}")
    records_block(doc, "Clinical documentation")
    rights_block(doc, "Requests for this review")
    deadline_block(doc, "This {{ appeal.level }} is filed within that time.")
    # Medicare Advantage: after a decision the route is reconsideration, not peer-to-peer.
    para(doc, "{% if plan.rules == \"medicare_advantage\" and denial.present %}I am available to "
              "discuss this case with the physician reviewing the reconsideration"
              "{% else %}I am available for a peer-to-peer discussion with the reviewing "
              "physician{% endif %} at the number below. Please confirm receipt of this letter "
              "in writing.")
    signature(doc, [["Treating clinician (name, credentials): " + BLANK],
                    ["NPI " + BLANK + "   Phone " + BLANK],
                    ["Date " + BLANK]])
    enclosures_block(doc)
    return doc


def advocate_template():
    doc = new_document("{{ appeal.title }} \u00b7 authorized representative",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "On behalf of {{ patient.name }}{% if patient.member_id %} \u00b7 "
                       "Member ID {{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    para(doc, ("b", "From: "), BLANK + BLANK + "__________", style="Address")
    para(doc, "Authorized representative \u00b7 organization \u00b7 address \u00b7 phone",
         style="Small", space_after=10)
    addressee(doc, "{% if denial.present %}Appeals and Grievances Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    para(doc, "I am the authorized representative of {{ patient.name or \"the member named "
              "above\" }}; the signed authorization is enclosed. {% if denial.present %}On the "
              "patient's behalf I appeal your decision dated {{ denial.notice_date }}"
              "{% if denial.reference %} (reference {{ denial.reference }}){% endif %} to deny "
              "{{ service.description }}.{% if denial.text %} The notice says: "
              "\u201c{{ denial.text }}\u201d{% endif %}{% else %}I write in support of the "
              "request for {{ service.description }}.{% endif %} {{ appeal.request }}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, ("b", "Expedited review. "),
         "I ask for a decision within 72 hours. The treating clinician's statement supporting "
         "this request is on the last page of this letter.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if policy.present %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "The published criteria for this service are {{ policy.citation }}."
              "{% if pathway.title %} The patient's records {% if criteria_met %}meet"
              "{% else %}are measured against{% endif %} the pathway \u201c"
              "{{ pathway.title }}\u201d.{% endif %}"
              "{% if omitted_requirements and denial.present %} The original request left out "
              "records that show {{ omitted_requirements|length }} of its requirements; they are "
              "enclosed now.{% endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "How the records meet each requirement", style="Heading 1")
    crosswalk(doc, "in the patient's records")
    tag(doc, "{%p endif %}")
    records_block(doc, "The patient's records")
    rights_block(doc, "Requests on the patient's behalf")
    deadline_block(doc, "This {{ appeal.level }} is filed within that time.")
    para(doc, "Please send your decision to the patient and to me, and confirm in writing that "
              "you received this letter.")
    signature(doc, [["Authorized representative of {{ patient.name or \"the patient\" }}"],
                    ["Name " + BLANK + "   Organization " + BLANK],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    clinician_statement(doc)
    return doc


def checklist_template():
    doc = new_document("Before you appeal \u00b7 {{ service.name }}",
                       "Prepared {{ today }}",
                       "For {{ patient.name or \"you\" }} \u2014 not for sending to the plan "
                       "(except the records request)")
    emergency_block(doc)
    para(doc, "Before you appeal: what to obtain first", style="Title")
    para(doc, "Prepared {{ today }}{% if patient.name %} for {{ patient.name }}{% endif %} "
              "\u00b7 {{ service.description }} \u00b7 {{ plan.name }}", style="Small",
         space_after=10)
    tag(doc, "{%p if checklist %}")
    para(doc, "{% if policy.present %}The records you supplied do not yet meet "
              "{{ policy.citation }}{% if pathway.title %} (the closest pathway is \u201c"
              "{{ pathway.title }}\u201d){% endif %}.{% else %}The records you supplied do not "
              "yet show what the criteria for this service ask for.{% endif %} An appeal sent "
              "now would most likely fail. It is usually faster to obtain what is missing and "
              "then have your clinician send a new request, with the records attached.")
    tag(doc, "{%p elif criteria_met %}")
    para(doc, "Nothing is missing: the records you supplied meet every requirement of "
              "{{ policy.citation }}{% if pathway.title %} (\u201c{{ pathway.title }}\u201d)"
              "{% endif %}. You can {% if denial.present %}appeal{% else %}ask for the scan"
              "{% endif %} now; the appeal letter cites each record.")
    tag(doc, "{%p else %}")
    para(doc, "There are no published criteria in this service's library entry to check the "
              "records against. Ask {{ plan.name }} in writing for the criteria it applies, then "
              "compare your records with them.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if deadline.present %}")
    para(doc, ("b", "Keep the appeal deadline in mind. "), "{{ deadline.text }} If you cannot "
         "obtain the records in time, file the appeal before the deadline and send the records "
         "when you have them.", style="Box")
    para(doc, "", space_after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if checklist %}")
    para(doc, "What is missing", style="Heading 1")
    grid_table(doc, ["#", "The criteria ask for", "What to obtain", "From whom"],
               [0.35, 2.15, 2.2, 1.8], "item in checklist",
               [[["{{ item.number }}"]], [["{{ item.requirement }}"]],
                [["{{ item.needed }}"]], [["{{ item.obtain_from }}"]]])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "What your records already show", style="Heading 1")
    tag(doc, "{%p for r in cited_requirements %}")
    para(doc, ("b", "{{ r.text }}: "), "{{ r.evidence_text }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if checklist %}")
    para(doc, "Then", style="Heading 1")
    para(doc, "When you have these records, ask your clinician to send a new prior-authorization "
              "request with them attached{% if denial.present %}, or prepare the appeal letter "
              "with them before the deadline{% endif %}.")
    para(doc, "Request to send your clinic", style="Heading 1")
    para(doc, "Copy this note into a message or letter to your clinic (or print this page):",
         space_after=4, keep_next=True)
    para(doc, "Dear clinic team,", style="Box", keep_next=True)
    para(doc, "{{ clinic_request }}", style="Box", keep_next=True)
    para(doc, "{{ patient.name or \"" + BLANK + "\" }}{% if patient.date_of_birth %}, date of "
              "birth {{ patient.date_of_birth }}{% endif %}"
              "{% if patient.member_id %}, member ID {{ patient.member_id }}{% endif %}",
         style="Box")
    tag(doc, "{%p endif %}")
    return doc


def correction_template():
    doc = new_document("{{ correction.title }}",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.member_id %} \u00b7 Member ID "
                       "{{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    # A cover page for the sender: what to check first. The letter itself starts on the next
    # page, so the page that goes to the plan holds no instructions.
    tag(doc, "{%p if correction.steps %}")
    para(doc, "Before you send this letter", style="Title")
    para(doc, "Keep this page. Send the pages that follow, with the enclosures listed at the end.",
         style="Small", space_after=10)
    tag(doc, "{%p for step in correction.steps %}")
    para(doc, "\u2610 {{ step }}", style="Box")
    tag(doc, "{%p endfor %}")
    breaker = doc.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    tag(doc, "{%p endif %}")
    para(doc, ("b", '{{ patient.name or "' + BLANK + '" }}'), style="Address")
    para(doc, "Member ID {{ patient.member_id or \"" + BLANK + "\" }}", style="Address",
         space_after=10)
    addressee(doc, "Claims and Authorizations Department")
    para(doc, "{{ correction.title }}", style="Title")
    identifiers(doc, REF_ROWS + [
        ("Corrected details", "CPT {{ service.cpt or \"______\" }} \u00b7 side ______ \u00b7 "
         "contrast ______ \u00b7 ICD-10 ______", None)])
    para(doc, "Dear Reviewer,")
    para(doc, "{% if denial.present %}I am writing about your decision dated "
              "{{ denial.notice_date }}{% if denial.reference %} (reference "
              "{{ denial.reference }}){% endif %} on {{ service.description }}."
              "{% if denial.text %} The notice{% if denial.code %} (code {{ denial.code }})"
              "{% endif %} says: \u201c{{ denial.text }}\u201d{% endif %}"
              "{% else %}I am writing about the request for {{ service.description }}."
              "{% endif %} {{ correction.problem }}")
    para(doc, "{% if correction.request_type == \"retro-authorization\" %}I ask you to grant "
              "retrospective authorization for this service and to reprocess the claim."
              "{% elif correction.request_type == \"eligibility review\" %}I ask you to check "
              "my coverage with the details above and to reprocess the request."
              "{% else %}I ask you to reprocess the request with the corrected details above."
              "{% endif %}{% if cited_requirements and criteria_met %} The records show that the "
              "service met the published criteria, as set out below.{% endif %}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "The criteria and the records", style="Heading 1")
    tag(doc, "{%p if policy.present %}")
    para(doc, "Criteria: {{ policy.citation }}"
              "{% if pathway.title %}, pathway \u201c{{ pathway.title }}\u201d{% endif %}.",
         keep_next=True)
    tag(doc, "{%p endif %}")
    crosswalk(doc, "in the records")
    tag(doc, "{%p endif %}")
    rights_block(doc)
    deadline_block(doc, "I am writing within that time.")
    para(doc, "Please confirm in writing that you received this letter.")
    signature(doc, [['{{ patient.name or "' + BLANK + '" }}'],
                    ["Member ID {{ patient.member_id or \"" + BLANK + "\" }}"],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    return doc


TEMPLATES = {
    "patient": patient_template,
    "clinician": clinician_template,
    "advocate": advocate_template,
    "checklist": checklist_template,
    "correction": correction_template,
}
