"""Helpers for the neural-network workbook."""
