"""A `.tool` decorator in a file that does not import any agent framework: not a tool."""
from .plugins import registry


@registry.tool
def handler(x):
    return x
