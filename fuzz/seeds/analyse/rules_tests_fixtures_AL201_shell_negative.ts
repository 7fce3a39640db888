// Commands that are not shell injection (AL201 must stay silent).
import { execFile, execFileSync, spawn, exec as runShell } from "node:child_process";
import { tool } from "ai";
import { z } from "zod";

const VERSION_COMMAND = "git --version";

function exec(command: string) {
  console.log("would run", command);
}

export const tools = {
  gitLog: tool({
    description: "Show recent commits by running git log in a process.",
    parameters: z.object({ n: z.number(), path: z.string() }),
    execute: async ({ n, path }) => {
      // An argument array without a shell.
      const out = execFileSync("git", ["log", "-n", String(n), "--", path]).toString();
      spawn("ls", [path]);
      // shell: false is no shell.
      spawn("ls", [path], { shell: false });
      spawn("ls", [path], { shell: 0 });
      spawn("ls", [path], { shell: "" });
      spawn("ls", [path], { shell: void 0 });
      execFile("wc", ["-l", path], () => {});
      // Constant command lines.
      runShell("git --version");
      runShell(VERSION_COMMAND);
      // A function of this file called `exec`.
      exec(`echo ${path}`);
      return out;
    },
  }),
};
