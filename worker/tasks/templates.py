"""Celery tasks: templates (thin: ids in, pure functions called, results stored)."""
