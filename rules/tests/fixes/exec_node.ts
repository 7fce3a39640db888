import { exec } from "node:child_process";
import { tool } from "ai";
import { z } from "zod";

export const gitLog = tool({
  description: "Show the last commits of a file (runs git in a process).",
  parameters: z.object({ count: z.number(), path: z.string() }),
  execute: async ({ count, path }) =>
    new Promise((resolve) => exec(`git log -n ${count} --oneline ${path}`, (_e, out) => resolve(out))),
});
