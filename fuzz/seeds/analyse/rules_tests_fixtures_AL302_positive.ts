// Secrets bound to names that say so (AL302).
import OpenAI from "openai";

const dbPassword = "pR7kq2vX9mLw";

export class Client {
  private authToken = "t0k3n-8f2a9c41d7e6";

  constructor() {
    this.webhookSecret = "Zq8vN3wR6tY1uI5o";
  }
}

export const client = new OpenAI({ apiKey: "a8Fq2LmZ9xR4tW7y" });

export function connect(password = "S3cur3P4ss!2024") {
  return { user: "agent", password, dbPassword };
}
