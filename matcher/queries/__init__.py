"""Queries: read models for pages, feeds and mails (dashboard, day, schedules, figures)."""
