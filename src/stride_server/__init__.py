"""Stride: a multi-tenant backend for people performance."""

__version__ = "0.1.0"
