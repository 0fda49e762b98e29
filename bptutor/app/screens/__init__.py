"""Screens: each owns one workflow (pick a lesson, work a lesson, read the summary, ...)."""
