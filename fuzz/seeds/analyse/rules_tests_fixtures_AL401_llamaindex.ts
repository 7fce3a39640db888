// A LlamaIndex.TS chat route: the model the request configures answers with the user's messages,
// over documents indexed in LlamaCloud, with no privacy notice. `OpenAI` as `llamaindex`
// re-exported it before its providers moved to `@llamaindex/*` packages.
import { OpenAI, Settings } from "llamaindex";
import { Anthropic } from "@llamaindex/anthropic";
import { LlamaCloudIndex } from "llamaindex/cloud/LlamaCloudIndex";

export async function POST(request: Request) {
  const { messages, modelConfig, pipeline } = await request.json();
  const llm = modelConfig.provider === "anthropic" ? new Anthropic(modelConfig) : new OpenAI(modelConfig);
  const index = new LlamaCloudIndex({ name: pipeline, apiKey: process.env.LLAMA_CLOUD_API_KEY });
  const engine = Settings.withLLM(llm, () => index.asChatEngine());
  const reply = await engine.chat({ message: messages.at(-1).content, chatHistory: messages });
  return Response.json(reply);
}
