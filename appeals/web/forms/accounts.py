"""The accounts and organization pages' forms (Flask-WTF: every one carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from ...accounts.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, AccountError, normalize_email


def _valid_email(form, field) -> None:
    if field.data:
        try:
            normalize_email(field.data)
        except AccountError as error:
            raise ValidationError(error.message) from None


_password = [
    DataRequired("Enter a password."),
    Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH,
           f"Use at least {MIN_PASSWORD_LENGTH} characters (a few words work well)."),
]
ROLE_CHOICES = [SelectChoice("member", "Member"), SelectChoice("admin", "Admin")]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class SignupForm(FlaskForm):
    organization = StringField(
        "Organization", validators=[DataRequired("Enter your organization's name."), Length(max=200)],
        description="Your clinic or advocacy group; for yourself, your own name.",
    )
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=320),
                                            _valid_email])
    password = PasswordField("Password", validators=_password)
    confirm = PasswordField(
        "Password again", validators=[DataRequired("Enter the password again."),
                                      EqualTo("password", "The two passwords differ.")]
    )


class JoinForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=320),
                                            _valid_email])
    password = PasswordField("Password", validators=_password)
    confirm = PasswordField(
        "Password again", validators=[DataRequired("Enter the password again."),
                                      EqualTo("password", "The two passwords differ.")]
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Name the token (what will use it)."), Length(max=100)],
        description="For example the script or system that will use it.",
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    password = PasswordField("New password", validators=_password)
    confirm = PasswordField(
        "New password again", validators=[DataRequired("Enter the new password again."),
                                          EqualTo("password", "The two passwords differ.")]
    )


class RetentionForm(FlaskForm):
    retention_days = IntegerField(
        "Keep appeals and letters for (days)",
        validators=[InputRequired("Enter a number of days."),
                    NumberRange(1, 3650, "Enter a number of days from 1 to 3650.")],
        description="Appeals, letters, batches and private templates older than this are deleted.",
    )


class InvitationForm(FlaskForm):
    email = EmailField("Email (optional)", validators=[Optional(), Length(max=320), _valid_email],
                       description="When given, only this address can use the link.")
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
