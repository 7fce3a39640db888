// The extension's settings as the server's initialization options / didChangeConfiguration
// payload (`EditorSettings` on the server: enable, select, ignore, severity).

export interface Settings {
  enable: boolean;
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
}

/** Reads one setting; `undefined` when unset. */
export type Get = <T>(key: string) => T | undefined;

const SEVERITIES = new Set(["error", "warning", "info", "hint"]);

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter((v): v is string => typeof v === "string").map((v) => v.trim());
  return list.filter((v) => v.length > 0);
}

/** Maps the `agentlint.*` settings; empty lists mean "the project's configuration decides". */
export function serverSettings(get: Get): Settings {
  const settings: Settings = { enable: get<boolean>("enable") !== false };
  const select = strings(get("select"));
  if (select && select.length > 0) settings.select = select;
  const ignore = strings(get("ignore"));
  if (ignore && ignore.length > 0) settings.ignore = ignore;
  const severity = get<Record<string, unknown>>("severity");
  if (severity && typeof severity === "object") {
    const valid: Record<string, string> = {};
    for (const [code, level] of Object.entries(severity)) {
      if (typeof level === "string" && SEVERITIES.has(level.toLowerCase())) {
        valid[code.trim().toUpperCase()] = level.toLowerCase();
      }
    }
    if (Object.keys(valid).length > 0) settings.severity = valid;
  }
  return settings;
}

/** "3 errors, 1 warning" for the status item. */
export function counts(errors: number, warnings: number, other: number): string {
  const part = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [part(errors, "error", "errors"), part(warnings, "warning", "warnings")];
  if (other > 0) parts.push(part(other, "note", "notes"));
  return parts.join(", ");
}

/** The agentlint rule code of a diagnostic's `code` (a string, or `{ value, target }`). */
export function ruleCode(code: unknown): string | undefined {
  const value =
    typeof code === "object" && code !== null && "value" in code
      ? (code as { value: unknown }).value
      : code;
  return typeof value === "string" && /^AL\d{3}$/.test(value) ? value : undefined;
}
