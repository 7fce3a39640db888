"""Running git for the tools: one helper confined by bubblewrap, one not."""

import subprocess


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout


def jailed_git(*args: str) -> str:
    command = ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--", "git", *args]
    return subprocess.run(command, capture_output=True, text=True).stdout
