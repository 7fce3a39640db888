// Tools whose processes are confined or run elsewhere (AL202 must stay silent).
import { spawnSync } from "node:child_process";
import { Sandbox } from "@vercel/sandbox";
import { tool } from "ai";
import { z } from "zod";

export const tools = {
  run: tool({
    description: "Run a Node script in a bubblewrap sandbox process.",
    parameters: z.object({ file: z.string() }),
    execute: async ({ file }) =>
      spawnSync("bwrap", ["--ro-bind", "/", "/", "--unshare-all", "--", "node", file]).stdout.toString(),
  }),
  container: tool({
    description: "Run a script in a Podman container process.",
    parameters: z.object({ script: z.string() }),
    execute: async ({ script }) =>
      spawnSync("podman", ["run", "--rm", "node:22", "node", "-e", script]).stdout.toString(),
  }),
  vercel: tool({
    description: "Run a command in a Vercel Sandbox.",
    parameters: z.object({ command: z.string() }),
    execute: async ({ command }) => {
      const sandbox = await Sandbox.create();
      const result = await sandbox.runCommand("bash", ["-c", command]);
      return await result.stdout();
    },
  }),
};
