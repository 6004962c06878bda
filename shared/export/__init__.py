"""File exports of a job's sentences."""
