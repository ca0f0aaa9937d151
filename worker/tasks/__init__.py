"""Celery task modules, one per area."""
