"""Accounts: users, organizations, passwords and API tokens."""
