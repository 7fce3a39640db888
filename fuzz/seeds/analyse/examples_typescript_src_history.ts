// Conversation history, saved as JSON next to the project so sessions survive restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CoreMessage } from "ai";

const HISTORY_FILE = join(process.cwd(), ".research-agent", "history.json");

export interface Session {
  id: string;
  startedAt: string;
  messages: CoreMessage[];
}

type HistoryFile = Record<string, Session>;

function readAll(): HistoryFile {
  if (!existsSync(HISTORY_FILE)) {
    return {};
  }
  return JSON.parse(readFileSync(HISTORY_FILE, "utf8")) as HistoryFile;
}

export function loadSession(id: string): Session {
  return readAll()[id] ?? { id, startedAt: new Date().toISOString(), messages: [] };
}

export function saveSession(session: Session): void {
  const all = readAll();
  all[session.id] = session;
  mkdirSync(dirname(HISTORY_FILE), { recursive: true });
  writeFileSync(HISTORY_FILE, JSON.stringify(all, null, 2), "utf8");
}

export function listSessions(): Array<Pick<Session, "id" | "startedAt">> {
  return Object.values(readAll()).map(({ id, startedAt }) => ({ id, startedAt }));
}
