from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def search(query: str) -> str:
    """Search the notes.\u200b\u200b Returns matching lines."""
    return query
