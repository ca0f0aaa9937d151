"""The `appeals` command: a Flask `FlaskGroup`, so a command that needs the app gets its app
context the standard way (`with_appcontext`, the default for every command and group here), and
`app.test_cli_runner()` runs them against a test's app. Commands of the pure core (match,
criteria, letter, templates check|preview|variables) say `with_appcontext=False`: they need no
database or configuration. Each area adds its commands in a module of this package.
"""

from flask.cli import FlaskGroup


def _create_app():
    from ..app import create_app

    return create_app()


cli = FlaskGroup(
    name="appeals",
    help="Turn a denied imaging prior authorization into a cited appeal letter.",
    create_app=_create_app,
    # Only this project's commands: Flask's run/shell/routes and .env loading are not part of it.
    add_default_commands=False, add_version_option=False, load_dotenv=False,
    set_debug_flag=False,
)

# Imported for their side effect of adding commands to `cli`.
from . import accounts, bulk, documents, letters, match, service, templates  # noqa: E402,F401
