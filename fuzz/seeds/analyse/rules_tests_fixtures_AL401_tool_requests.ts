// A tool that passes the model's query to a search service: the service receives users' data.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "search", version: "1.0.0" });

server.tool("search", "Search the web with Brave.", { query: z.string() }, async ({ query }) => {
  const response = await fetch(`https://api.search.brave.com/res/v1/web/search?q=${encodeURIComponent(query)}`);
  return { content: [{ type: "text", text: await response.text() }] };
});
