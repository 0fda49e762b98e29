"""The pure core: maths, step list, lessons, answers and session logic.

Nothing under this package may import Textual or Rich; a test enforces it.
"""
