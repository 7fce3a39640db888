"""FastMCP servers: the decorator on an instance, with and without arguments, aliases."""
from typing import Annotated

from mcp.server.fastmcp import Context, FastMCP
from pydantic import Field
from mcp.server.fastmcp import FastMCP as F
import fastmcp

mcp = FastMCP("notes")
other = F("other")
third = fastmcp.FastMCP("third")


@mcp.tool()
def add_note(title: str, body: str) -> str:
    """Add a note to the notebook."""
    return title


@other.tool(name="find", description="Find notes that mention a word.")
async def find_notes(word: str) -> list[str]:
    return []


@third.tool
def bare(x: int) -> int:
    """Decorator without parentheses."""
    return x


@mcp.tool()
def undocumented(path: str) -> str:
    return path


def create_server():
    server = FastMCP("factory")

    @server.tool()
    def inner(q: str) -> str:
        """Tools declared inside a factory function are tools too."""
        return q

    return server


@mcp.resource("notes://{id}")
def not_a_tool(id: str) -> str:
    """A resource, not a tool."""
    return id


@mcp.tool()
def described(
    query: Annotated[str, Field(description="Words to look for.")],
    limit: int = Field(default=10, description="At most this many notes."),
    tag: Annotated[str, "Only notes with this tag."] = "",
    ctx: Context = None,
    page: int = 1,
) -> str:
    """Search notes.

    Args:
        page: Which page of results.
    """
    return query
