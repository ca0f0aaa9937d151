"""Celery tasks: letters (thin: ids in, pure functions called, results stored)."""
