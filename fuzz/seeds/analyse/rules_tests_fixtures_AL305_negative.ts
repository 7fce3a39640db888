// Secrets used as they should be (AL305 stays silent).
import { generateText } from "ai";
import { openai } from "@ai-sdk/openai";

const apiKey = process.env.STRIPE_SECRET_KEY;
const region = process.env.AWS_REGION;

export async function charge(prompt: string) {
  console.log("stripe key set:", Boolean(apiKey), "region", region);
  return generateText({ model: openai("gpt-4o-mini"), system: "You are a billing assistant.", prompt });
}

// In Node.js the client reads process.env.STRIPE_SECRET_KEY itself.
const client = { apiKey: "set-me" };
console.log(client);

export function notTheEnvironment(env: Record<string, string>) {
  console.log(env.GROQ_API_KEY);
}

export function whetherItIsSet() {
  console.log("key:", process.env.OPENAI_API_KEY ? "set" : "missing");
}
