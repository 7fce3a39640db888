"""A calculator."""
import math

from langchain_core.tools import tool


@tool
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression (runs generated code)."""
    return str(eval(expression))
