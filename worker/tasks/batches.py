"""Celery tasks: batches (thin: ids in, pure functions called, results stored)."""
