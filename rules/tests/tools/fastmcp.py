"""FastMCP servers: the decorator on an instance, with and without arguments, aliases."""
from mcp.server.fastmcp import FastMCP
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
