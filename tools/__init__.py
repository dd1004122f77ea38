"""Pure, deterministic domain tools for enrollers. No LangChain, Chroma, Slack or FastAPI here.

Import the registry for the catalogue: `from tools.registry import TOOLS, get_tool, run_tool`.
"""

from tools.errors import EnrollerToolError, ToolInputError, UnknownToolError
from tools.models import Source, ToolInput, ToolOutput

__all__ = ["EnrollerToolError", "Source", "ToolInput", "ToolInputError", "ToolOutput", "UnknownToolError"]
