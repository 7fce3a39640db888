// Finding the agentlint server binary: the setting, then the binary bundled in the .vsix for
// this platform, then `agentlint` on PATH. Pure (the file system is passed in), so it is tested
// without VS Code.

import * as path from "node:path";

export interface Discovery {
  /** `agentlint.path`, unless the workspace is untrusted (then it is ignored). */
  setting: string | null | undefined;
  trusted: boolean;
  /** The extension's directory. */
  extensionPath: string;
  platform: string;
  arch: string;
  /** PATH, split. */
  pathDirs: string[];
  isExecutable: (file: string) => boolean;
}

export interface Found {
  path?: string;
  /** Where it came from: "setting", "bundled" or "PATH". */
  source?: "setting" | "bundled" | "PATH";
  /** Every place looked at, in order, for the message when none is found. */
  tried: string[];
  /** Set when the setting was ignored or wrong. */
  warning?: string;
}

export function bundledPath(extensionPath: string, platform: string, arch: string): string {
  const exe = platform === "win32" ? "agentlint.exe" : "agentlint";
  return path.join(extensionPath, "server", `${platform}-${arch}`, exe);
}

export function findServer(d: Discovery): Found {
  const tried: string[] = [];
  let warning: string | undefined;
  const setting = d.setting?.trim();
  if (setting) {
    if (!d.trusted) {
      warning = `agentlint.path (${setting}) is ignored: this workspace is not trusted.`;
    } else {
      tried.push(`agentlint.path: ${setting}`);
      if (d.isExecutable(setting)) {
        return { path: setting, source: "setting", tried };
      }
      warning = `agentlint.path (${setting}) is not an executable file.`;
    }
  }
  const bundled = bundledPath(d.extensionPath, d.platform, d.arch);
  tried.push(`bundled: ${bundled}`);
  if (d.isExecutable(bundled)) {
    return { path: bundled, source: "bundled", tried, warning };
  }
  const exe = d.platform === "win32" ? "agentlint.exe" : "agentlint";
  for (const dir of d.pathDirs.filter((p) => p.length > 0)) {
    const candidate = path.join(dir, exe);
    if (d.isExecutable(candidate)) {
      tried.push(`PATH: ${candidate}`);
      return { path: candidate, source: "PATH", tried, warning };
    }
  }
  tried.push(`PATH: no ${exe} in ${d.pathDirs.length} directories`);
  return { tried, warning };
}

/** The message shown when no server is found. */
export function notFoundMessage(found: Found): string {
  return (
    "agentlint: no server binary found. Tried " +
    found.tried.join("; ") +
    ". Install it (`cargo install --path server` in the agentlint repository) or set agentlint.path."
  );
}
