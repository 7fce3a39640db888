import { tool } from "ai";
import { z } from "zod";

const schema = z.object({ query: z.string(), limit: z.number() });

export const search = tool({
  description: "Search the notes",
  inputSchema: z.object({ query: z.string(), limit: z.number().default(10) }),
  execute: async ({ query, limit }) => ({ query, limit }),
});

export const fromSchema = tool({
  description: "Search the notes with a shared schema",
  inputSchema: schema,
  execute: async ({ query, limit }) => ({ query, limit }),
});

export const whole = tool({
  description: "Echo the input",
  inputSchema: z.object({ text: z.string() }),
  execute: async (input) => input.text,
});

export const rest = tool({
  description: "Echo the text and the rest",
  inputSchema: z.object({ text: z.string() }),
  execute: async ({ text, ...others }) => ({ text, others }),
});
