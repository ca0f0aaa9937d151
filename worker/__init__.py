"""The Celery worker entry point (filled in by the service work)."""
