"""Base models shared by every tool: inputs, outputs and the sources they cite."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Source(BaseModel):
    """One page of one source document that a fact stands on."""

    document: str = Field(description="File name of the source document, e.g. the ROP guide PDF.")
    title: str = Field(description="Human title of the document.")
    page: int = Field(ge=1, description="1-based page number as a PDF viewer shows it.")


class ToolInput(BaseModel):
    """Base of every tool input: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ToolOutput(BaseModel):
    """Base of every tool output: a plain-language summary and the sources behind it."""

    summary: str = Field(description="Plain-language answer an enroller can read as is.")
    sources: list[Source] = Field(default_factory=list, description="Document pages the facts come from.")
