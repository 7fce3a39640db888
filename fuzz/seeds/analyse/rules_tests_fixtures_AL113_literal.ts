import { tool } from "ai";
import { z } from "zod";

export const search = tool({
  description: "Search the notes​ for a word",
  parameters: z.object({ word: z.string().describe("The word\u2063 to find") }),
  execute: async ({ word }) => word,
});
