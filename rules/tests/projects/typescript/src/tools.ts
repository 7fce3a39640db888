import { tool } from "ai";
import { z } from "zod";
import * as format from "./lib/format";
import { words } from "./lib/format";

export const tidyNote = tool({
  description: "Tidy the whitespace of a note",
  inputSchema: z.object({ note: z.string() }),
  execute: async ({ note }) => format.tidy(note),
});

export const countWords = tool({
  description: "Count the words in a note",
  inputSchema: z.object({ note: z.string() }),
  execute: async ({ note }) => words(note),
});
