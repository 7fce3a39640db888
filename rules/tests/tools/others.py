import os

from agents import function_tool
from agents.decorators import tool as agent_tool
from crewai.tools import BaseTool as CrewBaseTool, tool as crew_tool
from llama_index.core.tools import FunctionTool
from mcp import types


@function_tool
def fetch_page(url: str) -> str:
    """Fetch a web page."""
    return url


@function_tool(name_override="lookup", description_override="Look a word up.")
def look(word: str) -> str:
    return word


@crew_tool("Summarise")
def summarise(text: str) -> str:
    """Summarise a text."""
    return text


class Scraper(CrewBaseTool):
    name: str = "Scraper"
    description: str = os.environ.get("SCRAPER_DESCRIPTION", "Scrapes pages.")

    def _run(self, url: str) -> str:
        return url


def multiply(a: int, b: int) -> int:
    """Multiply two numbers."""
    return a * b


multiply_tool = FunctionTool.from_defaults(fn=multiply)


async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="echo",
            description="Echo the input back.",
            inputSchema={"type": "object"},
        )
    ]


@agent_tool
async def get_weather(city: str) -> str:
    """Get the weather for a given city."""
    return city
