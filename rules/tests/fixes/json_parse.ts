import { tool } from "ai";
import { z } from "zod";

export const convert = tool({
  description: "Parse a value (runs generated code).",
  parameters: z.object({ value: z.string() }),
  execute: async ({ value }) => eval(value),
});
