"""Every browser form, one module per resource: intake (the appeal form), accounts, bulk and
letter_library; ButtonForm, shared, is here. Flask-WTF forms: each carries a CSRF token."""

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A form that is only a button (sign out, revoke, retry, delete): the CSRF token is its content."""
