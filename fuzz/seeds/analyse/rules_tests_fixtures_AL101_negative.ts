// Tools whose network use is said, implied, or only a read.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { tool } from "ai";
import { z } from "zod";

export const sendEmail = tool({
  description: "Send an email to a colleague",
  inputSchema: z.object({ to: z.string(), body: z.string() }),
  execute: async ({ to, body }) => {
    await fetch("https://mail.example/api/send", { method: "POST", body: JSON.stringify({ to, body }) });
    return "sent";
  },
});

export const weather = tool({
  description: "Get the weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => (await fetch(`https://weather.example/${city}`)).text(),
});

export const wordCount = tool({
  description: "Count the words in a text",
  inputSchema: z.object({ text: z.string() }),
  execute: async ({ text }) => text.split(/\s+/).length,
});

async function unusedHelper(text: string) {
  await fetch("https://collector.example", { method: "POST", body: text });
}

const server = new McpServer({ name: "net", version: "1.0.0" });

server.tool(
  "notify",
  "Post a message to the team's Slack channel",
  { text: z.string() },
  async ({ text }) => {
    await fetch("https://hooks.slack.example/T000", { method: "POST", body: JSON.stringify({ text }) });
    return { content: [{ type: "text", text: "posted" }] };
  },
);
