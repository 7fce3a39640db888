// The agentlint VS Code extension: finds the server, starts it over stdio, passes the settings,
// and adds commands and a status item. Everything else is the language server's.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { findServer, notFoundMessage } from "./server";
import { counts, ruleCode, serverSettings } from "./settings";

const SOURCE = "agentlint";
const FIX_ALL_KIND = "source.fixAll.agentlint";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.LanguageStatusItem;
let serverPath: string | undefined;

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function settings() {
  const config = vscode.workspace.getConfiguration("agentlint");
  return serverSettings((key) => config.get(key));
}

const documentSelector = [
  "python",
  "typescript",
  "typescriptreact",
  "javascript",
  "javascriptreact",
].map((language) => ({ scheme: "file", language }));

// Configuration files read for secrets and notebooks, by name whatever their language id.
const configSelector = [
  "**/.env",
  "**/.env.*",
  "**/.envrc",
  "**/*.env",
  "**/mcp.json",
  "**/.mcp.json",
  "**/claude_desktop_config.json",
  "**/*.ipynb",
].map((pattern) => ({ scheme: "file", pattern }));

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer({
    setting: vscode.workspace.getConfiguration("agentlint").get<string | null>("path"),
    trusted: vscode.workspace.isTrusted,
    extensionPath: context.extensionPath,
    platform: process.platform,
    arch: process.arch,
    pathDirs: (process.env.PATH ?? "").split(path.delimiter),
    isExecutable,
  });
  if (found.warning) {
    output.warn(found.warning);
    void vscode.window.showWarningMessage(`agentlint: ${found.warning}`);
  }
  if (!found.path) {
    const message = notFoundMessage(found);
    output.error(message);
    status.text = "agentlint: no server";
    status.severity = vscode.LanguageStatusSeverity.Error;
    void vscode.window.showErrorMessage(message, "Show Logs").then((choice) => {
      if (choice) output.show();
    });
    return;
  }
  serverPath = found.path;
  output.info(`agentlint server: ${found.path} (${found.source})`);
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ["server"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...documentSelector, ...configSelector],
    initializationOptions: settings(),
    outputChannel: output,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.gitignore,agentlint.toml,.agentlint.toml,pyproject.toml}"),
    },
  };
  client = new LanguageClient("agentlint", "agentlint", serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    status.busy = event.newState === State.Starting;
    updateStatus();
  });
  await client.start();
  updateStatus();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch((e: unknown) => output.warn(`agentlint: stopping: ${String(e)}`));
  }
}

function updateStatus(): void {
  let errors = 0;
  let warnings = 0;
  let other = 0;
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of diagnostics) {
      if (d.source !== SOURCE) continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
      else other++;
    }
  }
  const running = client?.state === State.Running;
  status.text = running ? `agentlint: ${counts(errors, warnings, other)}` : "agentlint: stopped";
  status.detail = serverPath;
  status.severity =
    errors > 0
      ? vscode.LanguageStatusSeverity.Error
      : warnings > 0
        ? vscode.LanguageStatusSeverity.Warning
        : vscode.LanguageStatusSeverity.Information;
}

async function showRuleDoc(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const here = editor.selection.active;
  const codes = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === SOURCE && d.range.contains(here))
    .map((d) => ruleCode(d.code))
    .filter((c): c is string => c !== undefined);
  const code = codes[0];
  if (!code) {
    void vscode.window.showInformationMessage("agentlint: no finding under the cursor.");
    return;
  }
  if (!serverPath) return;
  // The documentation ships with the binary: no network needed.
  execFile(serverPath, ["rule", code], { timeout: 10_000 }, async (error, stdout) => {
    if (error) {
      void vscode.window.showErrorMessage(`agentlint rule ${code}: ${error.message}`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: stdout });
    await vscode.commands.executeCommand("markdown.showPreview", doc.uri);
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("agentlint", { log: true });
  status = vscode.languages.createLanguageStatusItem("agentlint.status", [
    ...documentSelector,
    ...configSelector,
  ]);
  status.name = "agentlint";
  status.text = "agentlint: starting";
  status.command = { title: "Show Logs", command: "agentlint.showLogs" };
  context.subscriptions.push(
    output,
    status,
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.commands.registerCommand("agentlint.restart", async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand("agentlint.showLogs", () => output.show()),
    vscode.commands.registerCommand("agentlint.fixAll", () =>
      vscode.commands.executeCommand("editor.action.codeAction", {
        kind: FIX_ALL_KIND,
        apply: "first",
      }),
    ),
    vscode.commands.registerCommand("agentlint.showRuleDoc", showRuleDoc),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("agentlint")) return;
      if (event.affectsConfiguration("agentlint.path")) {
        await stop();
        await start(context);
      } else {
        await client?.sendNotification("workspace/didChangeConfiguration", {
          settings: { agentlint: settings() },
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await stop();
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}
