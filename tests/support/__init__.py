"""Helpers tests share (import as `from support.workers import ...`: pytest puts tests/ on the path)."""
