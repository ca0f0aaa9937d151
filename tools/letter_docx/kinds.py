"""The five built-in letters, each a function returning its python-docx Document.

Each appeal letter is built the way a professional appeal reads: a "Before you send" page for the
sender (its own section, so the plan's page numbers start on the plan's first page), then the
letter: sender and addressee, the identifier block, the answer first (what the denial said was
missing, what the records show with dates, what to approve), the story and what the scan
decides, the criterion with its crosswalk, the remedy and the plan's decision time, rights,
deadline, a signature fitting the voice, and the enclosures.
"""

from __future__ import annotations


from .content import (
    REF_ROWS, addressee, answer_first, clinician_statement, cover_page, crosswalk,
    deadline_block, emergency_block, enclosures_block, grid_table, identifiers, para,
    records_block, rights_block, sender_clinician, sender_patient, signature, story, tag,
)
from .styles import (
    BLANK, new_document,
)

# --- the five templates ------------------------------------------------------------------------

def _plan_notices(doc, who: str) -> None:
    """To the plan: emergency care needs no authorization, and the expedited request."""
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, ("b", "Expedited review. "),
         "I ask for a decision within 72 hours. " + who + " statement supporting this request "
         "is on the last page of this letter.")
    tag(doc, "{%p endif %}")


def _criteria(doc, heading: str, records_words: str) -> None:
    tag(doc, "{%p if cited_requirements %}")
    para(doc, heading, style="Heading 1")
    tag(doc, "{%p if policy.present %}")
    para(doc, ("b", "Criterion: "), "{{ policy.citation }}{% if pathway.title %}, pathway "
              "\u201c{{ pathway.title }}\u201d{% endif %}.{% if omitted_requirements and "
              "denial.present %} The original request left out the records for "
              "{{ omitted_requirements|length }} of its requirements; they are enclosed now."
              "{% endif %}", keep_next=True)
    tag(doc, "{%p endif %}")
    crosswalk(doc, records_words)
    tag(doc, "{%p elif not policy.present %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "{% if denial.present %}The notice names no published criteria. {% endif %}"
              "Please send the specific criteria you apply{% if reasons %}; meanwhile, each "
              "reason your notice gives is answered below{% endif %}.")
    tag(doc, "{%p endif %}")
    records_block(doc, "The reasons in the notice, answered")


def _remedy(doc, heading: str) -> None:
    para(doc, heading, style="Heading 1")
    para(doc, "{{ summary.remedy }}")
    rights_block(doc, None)


def patient_template():
    doc = new_document("{{ appeal.title }}", "{% if denial.reference %}Ref. "
                       "{{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.member_id %} \u00b7 Member ID "
                       "{{ patient.member_id }}{% endif %}")
    cover_page(doc)
    sender_patient(doc)
    addressee(doc, "{% if denial.present %}Appeals Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    answer_first(doc)
    _plan_notices(doc, "My treating clinician's")
    story(doc, "What happened", "My own account (my answers, not a medical record): ")
    _criteria(doc, "How my records meet the criteria", "in my records")
    _remedy(doc, "What I ask")
    deadline_block(doc, "{{ deadline.filing }}")
    para(doc, "Please confirm in writing that you received this letter, and send your decision "
              "to me{% if patient.address %} at the address above{% endif %}.", keep_next=True)
    signature(doc, [['{{ patient.name or "' + BLANK + '" }}'],
                    ['{{ patient.address or "Address ' + BLANK + '" }}'],
                    ['Phone {{ patient.phone or "' + BLANK + '" }}']])
    enclosures_block(doc)
    clinician_statement(doc)
    return doc


def clinician_template():
    doc = new_document("Letter of medical necessity \u00b7 {{ patient.name }}",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.date_of_birth %} \u00b7 DOB "
                       "{{ patient.date_of_birth }}{% endif %}")
    cover_page(doc)
    sender_clinician(doc)
    addressee(doc, "{% if denial.present %}Utilization Review / Appeals Department"
                   "{% else %}Utilization Management / Prior Authorization{% endif %}")
    para(doc, "{% if denial.present %}Letter of medical necessity \u2014 {{ appeal.title|lower }}"
              "{% else %}{{ appeal.title }}{% endif %}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Medical Director,")
    answer_first(doc)
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    para(doc, "Clinical summary", style="Heading 1")
    para(doc, "I am the treating clinician for {{ patient.name or \"the patient named above\" }}"
              "{% if patient.age %}, age {{ patient.age }}{% endif %}. "
              "{{ summary.narrative }}")
    para(doc, ("b", "Diagnosis (ICD-10): "), '{{ summary.diagnosis or "' + BLANK + '" }}')
    para(doc, ("b", "What the study will change: "), "{{ summary.treatment_plan or "
              "\"The result decides the next step of treatment: " + BLANK + ".\" }}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, "Request for expedited review", style="Heading 1")
    para(doc, "As the treating clinician I certify that applying the standard time frame could "
              "seriously jeopardize the patient's life, health or ability to regain maximum "
              "function. I ask for a decision within 72 hours"
              "{% if appeal.expedited_basis %} ({{ appeal.expedited_basis }}){% endif %}.")
    tag(doc, "{%p endif %}")
    _criteria(doc, "Criterion crosswalk", "in the record")
    _remedy(doc, "Requests for this review")
    deadline_block(doc, "{{ deadline.filing }}")
    para(doc, "Peer-to-peer discussion", style="Heading 1")
    # Medicare Advantage: after a decision the route is reconsideration, not peer-to-peer.
    para(doc, "{% if plan.rules == \"medicare_advantage\" and denial.present %}I ask to discuss "
              "this case with the physician reviewing the reconsideration before any decision "
              "that is not fully favorable{% else %}Before any adverse decision I request a "
              "peer-to-peer discussion with the reviewing physician{% endif %}. Please call me "
              'at {{ clinician.phone or "' + BLANK + '" }} on a weekday between 8 a.m. and '
              "5 p.m.; I will return a call within one business day.")
    para(doc, "Attestation", style="Heading 1")
    para(doc, "I attest that the information in this letter is accurate and complete to the "
              "best of my knowledge and is taken from the patient's medical record, which I "
              "have reviewed.", keep_next=True)
    signature(doc, [['{{ clinician.name or "Treating clinician (name, credentials): ' + BLANK
                     + '" }}'],
                    ['NPI {{ clinician.npi or "' + BLANK + '" }}{% if clinician.facility %} '
                     '\u00b7 {{ clinician.facility }}{% endif %}'],
                    ['Phone {{ clinician.phone or "' + BLANK + '" }} \u00b7 Fax '
                     '{{ clinician.fax or "' + BLANK + '" }}']])
    enclosures_block(doc)
    return doc


def advocate_template():
    doc = new_document("{{ appeal.title }} \u00b7 authorized representative",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "On behalf of {{ patient.name }}{% if patient.member_id %} \u00b7 "
                       "Member ID {{ patient.member_id }}{% endif %}")
    cover_page(doc)
    # The advocate named in the case signs; without one, lines to fill in.
    tag(doc, "{%p if advocate.present %}")
    para(doc, ("b", "From: "), '{{ advocate.name or "' + BLANK + '" }}'
         "{% if advocate.organization %}, {{ advocate.organization }}{% endif %}",
         style="Address")
    para(doc, "{% if advocate.address %}{{ advocate.address }}{% else %}Address " + BLANK
              + "{% endif %}", style="Address")
    para(doc, 'Phone {{ advocate.phone or "' + BLANK + '" }} \u00b7 Email '
              '{{ advocate.email or "' + BLANK + '" }}', style="Address")
    para(doc, "Authorized representative of {{ patient.name or \"the patient\" }}",
         style="Small", space_after=8)
    tag(doc, "{%p else %}")
    para(doc, ("b", "From: "), BLANK + BLANK + "__________", style="Address")
    para(doc, "Authorized representative \u00b7 organization \u00b7 address \u00b7 phone",
         style="Small", space_after=8)
    tag(doc, "{%p endif %}")
    addressee(doc, "{% if denial.present %}Appeals Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    answer_first(doc)
    para(doc, "{% if advocate.name %}I, {{ advocate.name }}{% if advocate.organization %} of "
              "{{ advocate.organization }}{% endif %}, write{% elif advocate.organization %}I "
              "write for {{ advocate.organization }}{% else %}I write{% endif %} as the "
              "authorized representative of {{ patient.name or \"the member named above\" }}; "
              "the signed authorization{% if advocate.present %} naming "
              "{% if advocate.name %}me{% else %}{{ advocate.organization }}{% endif %}"
              "{% endif %} is enclosed.")
    _plan_notices(doc, "The treating clinician's")
    story(doc, "What happened", "The patient's own account (their answers, not a medical "
                                "record): ")
    _criteria(doc, "How the records meet the criteria", "in the patient's records")
    _remedy(doc, "Requests on the patient's behalf")
    deadline_block(doc, "{{ deadline.filing }}")
    para(doc, "Please send your decision to the patient{% if patient.address %} "
              "({{ patient.address }}){% endif %} and to me{% if advocate.address %} "
              "({{ advocate.address }}){% endif %}, and confirm in writing that you "
              "received this letter.", keep_next=True)
    tag(doc, "{%p if advocate.present %}")
    signature(doc, [['{{ advocate.name or "Name ' + BLANK + '" }}'
                     "{% if advocate.organization %}, {{ advocate.organization }}{% endif %}"],
                    ["Authorized representative of {{ patient.name or \"the patient\" }}"],
                    ['Phone {{ advocate.phone or "' + BLANK + '" }}   Email '
                     '{{ advocate.email or "' + BLANK + '" }}']])
    tag(doc, "{%p else %}")
    signature(doc, [["Authorized representative of {{ patient.name or \"the patient\" }}"],
                    ["Name " + BLANK + "   Organization " + BLANK],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    tag(doc, "{%p endif %}")
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
    cover_page(doc)
    tag(doc, "{%p if correction.from_provider %}")
    sender_clinician(doc)
    tag(doc, "{%p else %}")
    sender_patient(doc)
    tag(doc, "{%p endif %}")
    addressee(doc, "Claims and Authorizations Department")
    para(doc, "{{ correction.title or appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS + [("Corrected details", "{{ correction.corrected }}",
                                  "correction.corrected")])
    para(doc, "Dear Reviewer,")
    para(doc, "{% if denial.present %}Your decision dated {{ denial.notice_date }}"
              "{% if denial.reference %} ({{ denial.reference }}){% endif %}"
              "{% if denial.code %}, code {{ denial.code }},{% endif %} on "
              "{{ service.description }} is administrative. {% endif %}"
              "{{ correction.problem }} "
              "{% if correction.request_type == \"retro-authorization\" %}Please grant "
              "retrospective authorization for {% if study.cpt %}CPT {{ study.cpt }} "
              "({{ service.name }}){% else %}{{ service.description }}{% endif %} and reprocess "
              "the claim."
              "{% elif correction.request_type == \"eligibility review\" %}Please check the "
              "coverage with the details above and reprocess the request."
              "{% elif correction.present %}Please reprocess {% if study.cpt %}CPT "
              "{{ study.cpt }} ({{ service.name }}){% else %}{{ service.description }}"
              "{% endif %} with the corrected details above.{% else %}{{ summary.remedy }}"
              "{% endif %}{% if cited_requirements and criteria_met %} The records show that "
              "the service met the published criteria, as set out below.{% endif %}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    _criteria(doc, "The criteria and the records", "in the records")
    rights_block(doc)
    deadline_block(doc, "{{ deadline.filing }}")
    para(doc, "Please confirm in writing that you received this letter.", keep_next=True)
    tag(doc, "{%p if correction.from_provider %}")
    signature(doc, [['{{ clinician.name or "Ordering provider: ' + BLANK + '" }}'],
                    ['{% if clinician.facility %}{{ clinician.facility }} \u00b7 {% endif %}'
                     'NPI {{ clinician.npi or "' + BLANK + '" }}'],
                    ['Phone {{ clinician.phone or "' + BLANK + '" }}']])
    tag(doc, "{%p else %}")
    signature(doc, [['{{ patient.name or "' + BLANK + '" }}'],
                    ["Member ID {{ patient.member_id or \"" + BLANK + "\" }}"],
                    ['Phone {{ patient.phone or "' + BLANK + '" }}']])
    tag(doc, "{%p endif %}")
    enclosures_block(doc)
    tag(doc, "{%p if bill_dispute.present %}")
    title = para(doc, "Letter disputing the bill", style="Title")
    title.paragraph_format.page_break_before = True
    para(doc, "For the patient to send to the provider's billing office (not to the plan).",
         style="Small", space_after=8)
    para(doc, "{{ today }}", space_after=6)
    para(doc, ("b", "{{ bill_dispute.to }}"), space_after=6)
    para(doc, "Patient: {{ patient.name }}{% if patient.date_of_birth %}, date of birth "
              "{{ patient.date_of_birth }}{% endif %}{% if patient.member_id %}, member ID "
              "{{ patient.member_id }}{% endif %}")
    para(doc, "{{ bill_dispute.text }}")
    signature(doc, [['{{ patient.name or "' + BLANK + '" }}'],
                    ['{{ patient.address or "Address ' + BLANK + '" }}']])
    tag(doc, "{%p endif %}")
    return doc


TEMPLATES = {
    "patient": patient_template,
    "clinician": clinician_template,
    "advocate": advocate_template,
    "checklist": checklist_template,
    "correction": correction_template,
}
