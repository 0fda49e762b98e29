"""bptutor: learn backpropagation by doing it, term by term, in the terminal."""

__version__ = "0.1.0"
