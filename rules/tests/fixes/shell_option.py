import subprocess

from langchain_core.tools import tool


@tool
def search_notes(query: str) -> str:
    """Search the notes with grep and return the matching lines."""
    result = subprocess.run(
        f"grep -rn {query} notes/",  # every note
        shell=True,
        capture_output=True,
        text=True,
    )
    return result.stdout
