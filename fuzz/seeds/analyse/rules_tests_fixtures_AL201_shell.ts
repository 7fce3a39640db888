// A repository agent on the MCP TypeScript SDK whose tools run shell commands (AL201 positives).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec, execSync, spawn, execFile } from "node:child_process";
import { z } from "zod";

const server = new McpServer({ name: "repo", version: "1.0.0" });

// error: a template literal with tool arguments, run by exec (fix: execFile with an array)
server.tool(
  "git_log",
  "Show recent commits by running git log in a shell command.",
  { count: z.number(), path: z.string() },
  async ({ count, path }) =>
    new Promise((resolve) => {
      exec(`git log -n ${count} -- ${path}`, (error, stdout) =>
        resolve({ content: [{ type: "text", text: error ? String(error) : stdout }] }),
      );
    }),
);

// error: concatenation, execSync (fix: execFileSync)
server.tool(
  "show_file",
  "Print a file by running cat in a shell command.",
  { file: z.string() },
  async ({ file }) => ({
    content: [{ type: "text", text: execSync("cat " + file).toString() }],
  }),
);

// error: a shell program given a command line
server.tool(
  "run_script",
  "Run a shell script in a process and return its output.",
  { script: z.string() },
  async ({ script }) => {
    const child = spawn("sh", ["-c", script]);
    return { content: [{ type: "text", text: String(child.pid) }] };
  },
);

// error: execFile with shell: true joins everything into a command line
server.tool(
  "list_dir",
  "List a directory by running ls in a shell process.",
  { dir: z.string() },
  async ({ dir }) => {
    execFile("ls", [dir], { shell: true });
    return { content: [{ type: "text", text: "listed" }] };
  },
);

// warning: a helper's command, not from a tool or the model
export function runInShell(cmd: string) {
  return spawn(cmd, [], { shell: true });
}
