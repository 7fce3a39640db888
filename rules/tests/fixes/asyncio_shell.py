import asyncio

from langchain_core.tools import tool


@tool
async def disk_usage(folder: str) -> str:
    """Report the disk usage of a folder (runs du in a process)."""
    proc = await asyncio.create_subprocess_shell(f"du -sh {folder}", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    return out.decode()
