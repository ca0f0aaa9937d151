"""Bulk appeals: spreadsheets in, a ZIP of letters and a manifest out."""
