"""The Textual front end: it renders the core's state and turns keys into core calls."""
