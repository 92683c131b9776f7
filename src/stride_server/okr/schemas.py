"""Request models of the OKR endpoints beyond the generic Data API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from stride_server.edm.schemas import Number, Text


class CheckIn(BaseModel):
    """A new observed value of a key result, with an optional note for its history."""

    model_config = ConfigDict(extra="forbid")

    value: Number = Field(description="The newly observed value of the metric.")
    note: Annotated[Text, Field(max_length=2000)] | None = Field(None, description="Context for the history.")
