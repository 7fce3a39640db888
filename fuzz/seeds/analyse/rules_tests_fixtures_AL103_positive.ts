import { tool } from "ai";
import { z } from "zod";
import { execSync } from "node:child_process";

export const recent = tool({
  description: "Show the recent changes of a file",
  inputSchema: z.object({ path: z.string() }),
  execute: async ({ path }) => execSync(`git log -5 -- ${path}`).toString(),
});
