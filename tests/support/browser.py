"""What the browser tests share: Debian's Chromium driven by Playwright, and a live server."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):
    """Debian's /usr/bin/chromium (Playwright's own browser download is not available here)."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


@contextmanager
def serving(app):
    """Serve `app` in a thread on a free port of 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def running_chromium():
    """A headless Chromium for a module's pages; closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def live_service(directory, prepare=None):
    """The app as `make run` serves it (SQLite, the embedded broker, a real worker) on a free port;
    yields (base URL, app). `prepare()` runs in the app context once the tables exist."""
    from appeals.app import create_app
    from appeals.extensions import db

    from .workers import ServiceConfig, running_worker

    config = ServiceConfig.embedded(f"sqlite:///{directory / 'app.sqlite'}", directory)
    app = create_app(config.app_config())
    with app.app_context():
        db.create_all()
        if prepare is not None:
            prepare()
    with serving(app) as url, running_worker(config):
        yield url, app
