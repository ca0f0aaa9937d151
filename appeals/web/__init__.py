"""Thin blueprints. Each area registers its blueprint here."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .api import api

    app.register_blueprint(api)
    from .layout import layout

    app.register_blueprint(layout)
    from .appeal_pages import appeal_pages
    from .intake import intake

    app.register_blueprint(intake)
    app.register_blueprint(appeal_pages)
    from .accounts import auth

    app.register_blueprint(auth)
    from .bulk import bulk

    app.register_blueprint(bulk)
    from .template_library import templates  # also registers the jobs template hooks

    app.register_blueprint(templates)
