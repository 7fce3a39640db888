import subprocess

from langchain_core.tools import tool


@tool
def run_tests(path: str) -> str:
    """Run the test suite of a folder (runs pytest in a process)."""
    return subprocess.run(["pytest", "-q", path], capture_output=True, text=True).stdout
