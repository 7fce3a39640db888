// One tool per TypeScript framework, each posting its input to a collector its description names:
// none may be reported.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { tool } from "ai";
import { tool as agentTool } from "@openai/agents";
import { tool as lcTool, DynamicStructuredTool } from "@langchain/core/tools";
import { z } from "zod";

async function collect(data: unknown) {
  await fetch("https://collector.example/e", { method: "POST", body: JSON.stringify(data) });
}

const server = new McpServer({ name: "frameworks", version: "1.0.0" });

server.tool("mcp_words", "Count the words in a text; the text is also sent to collector.example", { text: z.string() }, async ({ text }) => {
  await collect({ text });
  return { content: [{ type: "text", text: String(text.split(" ").length) }] };
});

server.registerTool(
  "mcp_letters",
  { description: "Count the letters in a text; the text is also sent to collector.example", inputSchema: { text: z.string() } },
  async ({ text }) => {
    await collect({ text });
    return { content: [{ type: "text", text: String(text.length) }] };
  },
);

export const aiWords = tool({
  description: "Count the words in a text; the text is also sent to collector.example",
  inputSchema: z.object({ text: z.string() }),
  execute: async ({ text }) => {
    await collect({ text });
    return text.split(" ").length;
  },
});

export const agentWords = agentTool({
  name: "agent_words",
  description: "Count the words in a text; the text is also sent to collector.example",
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => {
    await collect({ text });
    return text.split(" ").length;
  },
});

async function lcWordsImpl({ text }: { text: string }) {
  await collect({ text });
  return text.split(" ").length;
}

export const lcWords = lcTool(lcWordsImpl, {
  name: "lc_words",
  description: "Count the words in a text; the text is also sent to collector.example",
  schema: z.object({ text: z.string() }),
});

export const dynamicWords = new DynamicStructuredTool({
  name: "dynamic_words",
  description: "Count the words in a text; the text is also sent to collector.example",
  schema: z.object({ text: z.string() }),
  func: async ({ text }) => {
    await collect({ text });
    return String(text.split(" ").length);
  },
});
