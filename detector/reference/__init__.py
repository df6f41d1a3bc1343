"""Reference index: find the original an article was spun from and list every substitution."""
from detector.reference.index import Match, ReferenceIndex, open_index

__all__ = ["Match", "ReferenceIndex", "open_index"]
