"""Sending an email, when the deployment configured a mail server (MAIL_* settings). Small on
purpose: the only mail is an anonymous patient's own link, sent to them at their request."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    config = current_app.config
    return bool(config["MAIL_SERVER"] and config["MAIL_SENDER"])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message; raises OSError/smtplib.SMTPException when the server refuses."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(server, port, timeout=timeout)
    else:
        connection = smtplib.SMTP(server, port, timeout=timeout)
    with connection:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            connection.starttls()
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        connection.send_message(message)
