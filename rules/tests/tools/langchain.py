from langchain_core.tools import BaseTool, StructuredTool, Tool, tool
from langchain.agents import tool as agent_tool

SEARCH_DESCRIPTION = "Search the web for a query."


@tool
def word_count(text: str) -> int:
    """Count the words in a text."""
    return len(text.split())


@tool("weather", description="Get the weather for a city.")
def get_weather(city: str) -> str:
    return city


@agent_tool
def legacy(x: str) -> str:
    """Legacy import path."""
    return x


def search(query: str) -> str:
    return query


search_tool = StructuredTool.from_function(func=search, name="search", description=SEARCH_DESCRIPTION)
calc_tool = Tool(name="calculator", func=lambda e: e, description="Evaluate arithmetic.")


class ReadFile(BaseTool):
    name: str = "read_file"
    description: str = "Read a file from disk."

    def _run(self, path: str) -> str:
        return open(path).read()


class NotATool:
    name = "x"
    description = "y"
