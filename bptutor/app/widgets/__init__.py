"""Widgets: each renders part of the core's state; none keeps learner state of its own."""
