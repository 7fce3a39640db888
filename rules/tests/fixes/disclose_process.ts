import { execFileSync } from "node:child_process";
import { tool } from "ai";
import { z } from "zod";

export const recent = tool({
  description: "List the recent commits",
  parameters: z.object({}),
  execute: async () => execFileSync("git", ["log", "--oneline", "-n", "5"]).toString(),
});
