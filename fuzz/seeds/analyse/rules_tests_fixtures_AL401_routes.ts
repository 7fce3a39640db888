// A chat route that passes the request's messages to the model, a title from a model string,
// and a moderation call over HTTP; no privacy notice.
import { generateText, streamText } from "ai";
import { anthropic } from "@ai-sdk/anthropic";

export async function POST(req: Request) {
  const { messages } = await req.json();
  const result = streamText({ model: anthropic("claude-sonnet-4-5"), messages });
  return result.toTextStreamResponse();
}

export async function title(message: string) {
  // A model string goes through the Vercel AI Gateway.
  return generateText({ model: "openai/gpt-4o-mini", prompt: `A title for: ${message}` });
}

export async function moderate(text: string) {
  const response = await fetch("https://api.mistral.ai/v1/moderations", {
    method: "POST",
    body: JSON.stringify({ input: text }),
  });
  return response.json();
}

// The operator picks the embeddings' provider: one finding for the choice.
import { OpenAIEmbeddings } from "@langchain/openai";
import { CohereEmbeddings } from "@langchain/cohere";

export function embeddings(provider: string) {
  switch (provider) {
    case "openai":
      return new OpenAIEmbeddings();
    case "cohere":
      return new CohereEmbeddings({ model: "embed-english-v3.0" });
    default:
      throw new Error(`unknown provider ${provider}`);
  }
}
