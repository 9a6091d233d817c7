"""The example application of ferry's demo."""

__version__ = "1.0.0"
