"""appeals: turn a denied imaging prior authorization into a cited appeal letter.

The flow, one folder each: intake/ (form, spreadsheet, JSON -> Case) -> matching/ (Case -> result,
with criteria/) -> letters/ (result -> .docx) -> delivery/ (status, download, ZIP). The pure core
imports alone: the Flask app is built by appeals.app.create_app(), and web/, cli/ and the Celery
tasks are thin adapters around the core.
"""
