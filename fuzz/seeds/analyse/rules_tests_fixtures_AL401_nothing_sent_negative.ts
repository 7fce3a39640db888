// Demos and admin calls that send nothing of a user's: AL401 stays silent without a notice.
import OpenAI from "openai";
import { generateText } from "ai";
import { openai } from "@ai-sdk/openai";

const client = new OpenAI();

export async function demo() {
  const { text } = await generateText({
    model: openai("gpt-4o-mini"),
    prompt: "Write a haiku about the sea.",
  });
  return text;
}

export async function models() {
  return client.models.list();
}

export async function constantChat() {
  const messages = [{ role: "user" as const, content: "Say hello." }];
  return client.chat.completions.create({ model: "gpt-4o-mini", messages });
}

// A function of the file's own that it only ever calls with a constant question.
async function ask(question: string) {
  return client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: question }],
  });
}

async function main() {
  console.log(await ask("What is the capital of France?"));
}

main();

// A route that only opens a realtime session: its body names a model, its header carries the
// operator's key; the user's voice goes to the provider elsewhere, not through this request.
export async function GET() {
  const response = await fetch("https://api.openai.com/v1/realtime/sessions", {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.OPENAI_API_KEY}` },
    body: JSON.stringify({ model: "gpt-4o-realtime-preview" }),
  });
  return Response.json(await response.json());
}
