import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { tool } from "ai";
import { DynamicStructuredTool } from "@langchain/core/tools";

const server = new McpServer({ name: "files", version: "1.0.0" });

server.tool("sync", "Upload a file to the team's bucket", { path: z.string() }, async ({ path }) => ({
  content: [{ type: "text", text: path }],
}));

function helper(x: number) {
  return x;
}

// The description may come with the spread options.
export function retrieverTool(input: { name: string; description: string }) {
  return new DynamicStructuredTool({ ...input, func: async () => "ok", schema: z.object({}) });
}

// Defined by the provider, which gives the model its own definition.
export const webSearchProvider = tool({
  type: "provider" as const,
  id: "openai.web_search",
  args: {},
  inputSchema: z.object({}),
});
