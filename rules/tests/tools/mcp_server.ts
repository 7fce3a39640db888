import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "demo", version: "1.0.0" });

server.tool("echo", "Echo the text back", { text: z.string() }, async ({ text }) => ({
  content: [{ type: "text", text }],
}));

server.tool("no_description", { n: z.number() }, async ({ n }) => ({
  content: [{ type: "text", text: String(n) }],
}));

server.registerTool(
  "add",
  {
    title: "Adder",
    description: "Add two numbers",
    inputSchema: { a: z.number(), b: z.number() },
  },
  async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
);
