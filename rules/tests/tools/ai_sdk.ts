import { tool } from "ai";
import { tool as agentTool } from "@openai/agents";
import { tool as lcTool, DynamicStructuredTool } from "@langchain/core/tools";
import { z } from "zod";

const DESCRIPTION = `Get the weather for a city`;

export const weather = tool({
  description: DESCRIPTION,
  parameters: z.object({ city: z.string().min(1).describe("The city, e.g. Paris"), days: z.number().optional() }),
  execute: async ({ city }) => ({ city }),
});

export const tools = {
  calculator: tool({
    description: "Evaluate arithmetic",
    inputSchema: z.object({ expression: z.string() }),
    async execute({ expression }) {
      return expression;
    },
  }),
};

export const lookup = agentTool({
  name: "lookup",
  description: "Look a word up",
  parameters: z.object({ word: z.string() }),
  execute: async ({ word }) => word,
});

async function search({ query }: { query: string }) {
  return query;
}

export const searchTool = lcTool(search, {
  name: "search",
  description: "Search the notes",
  schema: z.object({ query: z.string() }),
});

export const dynamic = new DynamicStructuredTool({
  name: "dynamic",
  description: process.env.DYNAMIC_DESCRIPTION ?? "fallback",
  schema: z.object({}),
  func: async () => "ok",
});
