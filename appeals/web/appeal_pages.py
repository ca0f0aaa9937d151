"""An appeal's pages: where the case stands, the letter's progress, its preview and download,
deleting it, and (where mail is configured) an anonymous patient emailing their link to themselves.

Every read goes through appeals.access.get_owned_or_404, so another person's appeal (or an unknown
id) is "not found". An anonymous patient reaches an appeal through its link /a/<id>/<key>, which
grants their browser session access. Progress refreshes on its own without JavaScript (a meta
refresh while the letter is queued or being written).
"""

from __future__ import annotations

import io
import smtplib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from flask_login import current_user
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services import appeals as appeal_service
from ..access import get_owned_or_404, grant_to_session
from ..accounts.mail import mail_configured, send_mail
from ..accounts.users import AccountError, normalize_email
from ..audit import record_event
from ..extensions import limiter
from ..models.appeals import DONE, FAILED, QUEUED, RENDERING, Appeal
from .accounts import EXPIRED_FORM
from .forms import ButtonForm
from .intake import SHOWN_ONCE_KEY
from .sending import calendar, how_to_send

appeal_pages = Blueprint("appeal_pages", __name__)

# Plain words for the contract's codes (docs/matching-contract.md).
REQUIREMENT_STATUS = {
    "met_in_request": "Met in the original request",
    "omitted": "In your records, left out of the request",
    "unmet": "Missing",
}
# Before filing there is no "original request" yet, only the draft: the same codes, other words.
REQUIREMENT_STATUS_BEFORE_FILING = {
    "met_in_request": "Already in the request",
    "omitted": "In your records: put it in the request",
    "unmet": "Missing",
}
DENIAL_CATEGORY = {
    "medical_necessity": "medical necessity (the insurer says the criteria were not shown)",
    "missing_information": "missing information",
    "no_authorization": "no prior authorization was obtained",
    "coding": "a coding problem (the code, side or contrast does not match the notes)",
    "benefit_exclusion": "a benefit the plan excludes",
    "eligibility": "eligibility (coverage or membership)",
    "other": "another reason",
}
PLAN_TYPE = {
    "employer": "Employer group plan",
    "marketplace": "Marketplace (individual) plan",
    "government_employer": "State or local government employer plan",
    "medicare_advantage": "Medicare Advantage",
    "medicaid": "Medicaid",
    "other": "Other",
}

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Seconds between automatic reloads while the letter is being written.
REFRESH_SECONDS = 3


def _no_store(response):
    """Pages and files with health data are not kept in shared or browser caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@appeal_pages.after_request
def _private(response):
    return _no_store(response)


@appeal_pages.get("/appeals")
def index():
    """The appeals this person (or, for an anonymous patient, this browser) can open: sorted by
    date or deadline, a page at a time."""
    import datetime as dt

    from .appeal_list import ListError, appeal_page

    try:
        listing = appeal_page(request.args.get("sort"), request.args.get("page"))
    except ListError:
        listing = appeal_page()
    return render_template("appeals/index.html", listing=listing, appeals=listing.appeals,
                           today=dt.date.today().isoformat())


@appeal_pages.get("/appeals/<appeal_id>")
def show(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    in_progress = appeal.status in (QUEUED, RENDERING)
    # Automatic reloads are not separate views; the first load (and any after) is recorded.
    if not request.args.get("waiting"):
        record_event("viewed", appeal)
    link = _link_to_show_once(appeal, keep=in_progress)
    letter = appeal_service.letter_for(appeal) if appeal.status == DONE else None
    steps = how_to_send(appeal)
    return render_template(
        "appeals/show.html",
        steps=steps,
        deadline_passed=_deadline_passed(appeal.result_json),
        appeal=appeal,
        case=appeal.case_json,
        result=appeal.result_json,
        letter=letter,
        preview=_preview(letter),
        in_progress=in_progress,
        # A person may stop the reloading (a screen reader starts over on each one).
        auto_refresh=in_progress and request.args.get("refresh") != "off",
        refresh_seconds=REFRESH_SECONDS,
        access_link=link,
        may_delete=_may_delete(appeal),
        pdf_available=letter is not None and _pdf_available(),
        requirement_status=(REQUIREMENT_STATUS_BEFORE_FILING
                            if not appeal.case_json.get("denial") else REQUIREMENT_STATUS),
        denial_category=DENIAL_CATEGORY,
        plan_type=PLAN_TYPE,
    )


def _deadline_passed(result: dict) -> bool:
    """Judged today, not on the day the case was matched: a page opened later says so."""
    import datetime as dt

    deadline = (result.get("deadline") or {}).get("date")
    return bool(deadline) and dt.date.fromisoformat(deadline) < dt.date.today()


def _link_to_show_once(appeal: Appeal, keep: bool) -> str | None:
    """The anonymous patient's link, shown on the page they land on after submitting. While the
    page keeps reloading itself it stays; the first page that stops reloading shows it last."""
    pending = session.get(SHOWN_ONCE_KEY)
    if not pending or pending.get("appeal_id") != appeal.id:
        return None
    if not keep:
        session.pop(SHOWN_ONCE_KEY, None)
    return url_for("appeal_pages.open_link", appeal_id=appeal.id, key=pending["key"], _external=True)


def _may_delete(appeal: Appeal) -> bool:
    from ..privacy import may_delete

    return may_delete(appeal, _signed_in_user())


def _preview(letter) -> str | None:
    """The letter's text, read from its .docx when the page is viewed (not stored: the .docx is
    the one copy of the letter)."""
    if letter is None:
        return None
    from ..letters.text import docx_text

    return docx_text(letter.docx)


def _pdf_available() -> bool:
    """A PDF is offered where LibreOffice is installed (it makes the PDF from the .docx)."""
    from ..letters.pdf import soffice_path

    return soffice_path() is not None


@appeal_pages.get("/appeals/<appeal_id>/letter.docx")
def download_docx(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    letter = appeal_service.letter_for(appeal)
    if letter is None:
        abort(404)
    record_event("downloaded", appeal)
    return send_file(io.BytesIO(letter.docx), mimetype=DOCX_MIMETYPE, as_attachment=True,
                     download_name=letter.filename, max_age=0)


@appeal_pages.get("/appeals/<appeal_id>/letter.pdf")
def download_pdf(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    letter = appeal_service.letter_for(appeal)
    if letter is None:
        abort(404)
    from ..letters.pdf import PdfUnavailable, docx_to_pdf

    try:
        pdf_bytes = docx_to_pdf(letter.docx)
    except PdfUnavailable:
        flash("A PDF cannot be made on this server right now. Download the Word file instead; "
              "it opens in Word, LibreOffice and Google Docs.", "error")
        return redirect(url_for("appeal_pages.show", appeal_id=appeal.id))
    record_event("downloaded", appeal)
    name = letter.filename.rsplit(".", 1)[0] + ".pdf"
    return send_file(io.BytesIO(pdf_bytes), mimetype="application/pdf", as_attachment=True,
                     download_name=name, max_age=0)


@appeal_pages.get("/appeals/<appeal_id>/reminders.ics")
def reminders(appeal_id: str):
    """The appeal deadline and the plan's answer date as calendar events ("How to send it")."""
    appeal = get_owned_or_404(Appeal, appeal_id)
    steps = how_to_send(appeal)
    if steps is None:  # a check before filing: nothing is sent, nothing to remind
        abort(404)
    record_event("downloaded", appeal)
    response = current_app.response_class(calendar(appeal, steps), mimetype="text/calendar")
    response.headers["Content-Disposition"] = "attachment; filename=appeal-reminders.ics"
    return response


@appeal_pages.post("/appeals/<appeal_id>/retry")
def retry(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    if appeal.status == FAILED:
        appeal_service.retry_appeal(appeal)
        flash("Writing the letter again.", "info")
    return redirect(url_for("appeal_pages.show", appeal_id=appeal.id), code=303)


def _signed_in_user():
    return current_user if current_user and current_user.is_authenticated else None


@appeal_pages.route("/appeals/<appeal_id>/delete", methods=["GET", "POST"])
def delete(appeal_id: str):
    """Delete an appeal and its letter now (asks first: a page, not a script dialog)."""
    from ..privacy import delete_record, may_delete

    appeal = get_owned_or_404(Appeal, appeal_id)
    if not may_delete(appeal, _signed_in_user()):
        abort(403)
    if request.method == "GET":
        return render_template("appeals/delete.html", appeal=appeal, result=appeal.result_json)
    delete_record(appeal)
    flash("The appeal and its letter were deleted.", "info")
    target = "appeal_pages.index" if _signed_in_user() else "intake.start"
    return redirect(url_for(target), code=303)


@appeal_pages.errorhandler(RateLimitExceeded)
def _too_many(exc):
    """Emailing links too often from one network (MAIL_RATE_LIMIT): said on a page (429)."""
    return render_template("accounts/message.html", title="Too many attempts",
                           message="Too many attempts from your network; wait a minute and try "
                                   "again."), 429


@appeal_pages.errorhandler(CSRFError)
def _csrf_failed(error):
    """A button pressed on a page left open too long: nothing was done; the appeal's page says so
    (400, with fresh tokens on its buttons)."""
    appeal_id = (request.view_args or {}).get("appeal_id")
    if not appeal_id:  # the "email me my link" form
        return render_template("accounts/message.html", title="The form expired",
                               message=EXPIRED_FORM, link="/"), 400
    flash("That page had expired, so nothing was done. Press the button again.", "error")
    page = show(appeal_id)
    return page, 400


@appeal_pages.get("/a/<appeal_id>/<key>")
def open_link(appeal_id: str, key: str):
    """An anonymous patient's saved link: the key is checked against its stored hash, then this
    browser may open the appeal. A wrong key and an unknown id both answer 404."""
    appeal = appeal_service.appeal_for_access_key(appeal_id, key)
    if appeal is None or appeal.owner_id is not None or appeal.organization_id is not None:
        abort(404)
    grant_to_session(appeal)
    # Off the secret address, so it does not linger in the address bar.
    return redirect(url_for("appeal_pages.show", appeal_id=appeal.id), code=303)


# ----------------------------------------------------------------------------------------------
# An anonymous patient emails their own link to themselves (only where mail is configured)


def _appeal_for_link(link: str):
    """The anonymous appeal a link of ours opens (its key checked), else None."""
    path = urlsplit(link or "").path
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    if endpoint != "appeal_pages.open_link":
        return None
    appeal = appeal_service.appeal_for_access_key(args["appeal_id"], args["key"])
    if appeal is None or appeal.owner_id is not None or appeal.organization_id is not None:
        return None
    return appeal


@appeal_pages.post("/link/email")
@limiter.limit(lambda: current_app.config["MAIL_RATE_LIMIT"])
def email_link():
    if not mail_configured():
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    link = request.form.get("link", "")
    appeal = _appeal_for_link(link)
    if appeal is None:
        abort(404)
    back = url_for("appeal_pages.show", appeal_id=appeal.id)
    try:
        address = normalize_email(request.form.get("email", ""))
    except AccountError as error:
        flash(f"The link was not sent: {error.message}", "error")
        return redirect(back, code=303)
    days = current_app.config["DEFAULT_RETENTION_DAYS"]
    body = (
        "Here is the link to the appeal you started. Anyone with it can open the appeal, so keep "
        f"it private:\n\n{link}\n\nIt works until you delete the appeal, or {days} days after "
        "you created it, when it is deleted for your privacy.\n\nYou asked for this email on the "
        "appeal's page. If you did not, you can ignore it.\n"
    )
    try:
        send_mail(address, "Your appeal link", body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("sending an appeal link failed (mail server error)")
        flash("The email could not be sent right now. Copy the link instead.", "error")
        return redirect(back, code=303)
    record_event("link_emailed", appeal)
    flash("We sent the link to the address you gave. We did not keep the address.", "info")
    return redirect(back, code=303)
