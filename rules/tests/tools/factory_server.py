"""A server made by a helper in another module: the object cannot be resolved, but the file
imports MCP, so `@server.tool(...)` is a tool."""
from mcp.server.fastmcp import Context

from .helpers import make_server

server = make_server("notes")


@server.tool(name="notes.add", description="Add a note.")
def add(text: str, ctx: Context) -> str:
    return text


class Registry:
    def tool(self, fn):
        return fn


registry = Registry()


@registry.tool
def not_mcp(x):
    """Also `.tool` on an unresolved object: in this file, recognised (the file imports MCP)."""
    return x
