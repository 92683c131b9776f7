"""The SDK's version (sent in User-Agent)."""

__version__ = "0.1.0"
