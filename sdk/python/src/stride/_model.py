"""The base of every response model: attribute access, and tolerant of what a newer server adds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrideModel(BaseModel):
    """A record or document the API answered with.

    Fields a newer server adds are kept (reachable as attributes and in `model_dump()`), never an error;
    enum fields accept values the SDK does not know yet.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())
