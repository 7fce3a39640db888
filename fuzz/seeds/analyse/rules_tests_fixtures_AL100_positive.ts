import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { tool } from "ai";
import { z } from "zod";

const server = new McpServer({ name: "files", version: "1.0.0" });

server.tool("sync", { path: z.string() }, async ({ path }) => ({
  content: [{ type: "text", text: path }],
}));

export const shout = tool({
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => text.toUpperCase(),
});
