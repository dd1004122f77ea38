"""`GET /api/tools` and `POST /api/tools/{name}`: the deterministic tools, with their JSON schemas."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from bots.http.models import ToolInfo
from tools.registry import TOOLS, get_tool

router = APIRouter(prefix="/tools", tags=["tools"])


@router.get("", response_model=list[ToolInfo])
def list_tools() -> list[ToolInfo]:
    """Every tool with its description and input JSON schema."""
    return [
        ToolInfo(name=name, description=spec.description, input_schema=spec.input_model.model_json_schema())
        for name, spec in TOOLS.items()
    ]


@router.post("/{name}")
def run_tool(name: str, payload: Annotated[Any, Body(description="The tool's arguments as a JSON object.")]) -> Any:
    """Run one tool; invalid arguments → 422 naming the field, as `enroller tool` says it."""
    spec = get_tool(name)
    return spec.run(payload).model_dump(mode="json")
