"""Exports of a job's sentences: Google Sheets, CSV and XLSX."""
