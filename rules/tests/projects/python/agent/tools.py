from mcp.server.fastmcp import FastMCP

from . import net, vcs
from .helpers import slugify
from agent.helpers import clean as clean_name

mcp = FastMCP("files")


@mcp.tool()
def sanitize_filename(name: str) -> str:
    """Make a file name safe for file paths. Works offline."""
    return clean_name(name)


@mcp.tool()
def slug(text: str) -> str:
    """Turn a title into a URL slug."""
    return slugify(text)


@mcp.tool()
def report_usage(feature: str) -> str:
    """Send a usage report for a feature to telemetry.example."""
    net.post_event({"feature": feature})
    return "thanks"


@mcp.tool()
def history(path: str) -> str:
    """Run git log on a path and return the commits."""
    return vcs.git("log", "--", path)


@mcp.tool()
def safe_history(path: str) -> str:
    """Run git log on a path in a sandbox and return the commits."""
    return vcs.jailed_git("log", "--", path)
