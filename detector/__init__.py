"""spun-detector: tells whether English text was rewritten by a machine (article spinning, machine
paraphrase) and shows why, word by word.

    from detector import Detector
    result = Detector.load().score(text)
"""
__version__ = "0.9.0"
__all__ = ["Detector", "DocumentError", "Match", "Result", "Settings", "Span"]

_EXPORTS = {"Detector": "detector.scoring", "DocumentError": "detector.inputs", "Match": "detector.result",
            "Result": "detector.result", "Span": "detector.result", "Settings": "detector.settings"}


def __getattr__(name: str):
    """The public API, imported on first use so that ``import detector`` (the command line) stays light."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'detector' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
