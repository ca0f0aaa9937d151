"""Celery tasks: privacy (thin: ids in, pure functions called, results stored)."""
