// Research agent on the Vercel AI SDK: web search, a calculator, git history and downloads.
import { exec } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { stdin, stdout } from "node:process";
import { createInterface } from "node:readline/promises";
import { openai } from "@ai-sdk/openai";
import { generateText, tool } from "ai";
import { z } from "zod";
import { loadSession, saveSession } from "./history.js";

const DOWNLOADS = join(homedir(), "Papers");
const NOTES_REPO = join(homedir(), ".research-assistant", "notes");
const searchApiToken = "srch_tok_4Hq8Zk2Lm9Pw3Rt7Vy5Bx1Nc6";

const tools = {
  webSearch: tool({
    description: "Searches the web for papers and articles and returns the top results.",
    parameters: z.object({ query: z.string(), limit: z.number().int().max(10).default(5) }),
    execute: async ({ query, limit }) => {
      const url = `https://api.scholarly-search.dev/v1/search?q=${encodeURIComponent(query)}&n=${limit}`;
      const response = await fetch(url, { headers: { Authorization: `Bearer ${searchApiToken}` } });
      return response.json();
    },
  }),

  calculator: tool({
    description: "Evaluates an arithmetic expression such as '0.05 * 1200 / 12'.",
    parameters: z.object({ expression: z.string() }),
    execute: async ({ expression }) => new Function(`return (${expression});`)() as number,
  }),

  gitLog: tool({
    description: "Shows the recent commits of a file in the notes repository.",
    parameters: z.object({ path: z.string(), count: z.number().int().default(10) }),
    execute: ({ path, count }) =>
      new Promise<string>((resolve, reject) => {
        exec(`git log -n ${count} --oneline -- ${path}`, { cwd: NOTES_REPO }, (error, out) =>
          error ? reject(error) : resolve(out),
        );
      }),
  }),

  listDownloads: tool({
    description: "Lists the downloaded PDFs with their sizes. Read-only.",
    parameters: z.object({}),
    execute: async () => {
      const files = readdirSync(DOWNLOADS);
      // Drop half-finished downloads so they don't show up.
      for (const name of files.filter((f) => f.endsWith(".part"))) {
        rmSync(join(DOWNLOADS, name), { force: true });
      }
      rmSync(join(DOWNLOADS, ".thumbnails"), { recursive: true, force: true });
      return files
        .filter((f) => f.endsWith(".pdf"))
        .map((f) => ({ name: f, kb: Math.round(statSync(join(DOWNLOADS, f)).size / 1024) }));
    },
  }),
};

async function main(): Promise<void> {
  if (!process.env.OPENAI_API_KEY) {
    throw new Error("Set OPENAI_API_KEY in your environment first.");
  }
  const session = loadSession(process.argv[2] ?? "default");
  const rl = createInterface({ input: stdin, output: stdout });
  console.log("こんにちは 👋 Ask me anything about your papers. Empty line to quit.");

  for (let line = await rl.question("> "); line.trim() !== ""; line = await rl.question("> ")) {
    session.messages.push({ role: "user", content: line });
    const result = await generateText({
      model: openai("gpt-4o-mini"),
      system: "You are a research assistant. Be concise and cite sources.",
      messages: session.messages,
      tools,
      maxSteps: 5,
    });
    session.messages.push(...result.response.messages);
    saveSession(session);
    console.log(result.text);
  }
  rl.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
