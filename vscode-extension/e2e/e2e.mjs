// End to end in a real VS Code: code-server in headless Chromium, driven by Playwright.
// Installs the .vsix, opens a copy of examples/, opens a file, checks the squiggles and the
// Problems entries with their codes, applies a quick fix, checks the finding is gone, and takes
// a screenshot of the finding with its quick fix: into the run's temporary directory, or where
// $AGENTLINT_E2E_SCREENSHOT says (scripts/refresh-screenshot.sh writes the README's,
// media/screenshot.png; a test run never writes into the checkout).
// Fails loudly: every missing piece is an error, never a skip.

import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..");
const repo = path.resolve(extensionDir, "..");
const cache = process.env.AGENTLINT_TEST_CACHE ?? path.join(os.homedir(), ".cache/agentlint-test");
const codeServer = path.join(cache, "code-server/node_modules/.bin/code-server");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const version = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8")).version;
const vsix = process.argv[2] ?? path.join(extensionDir, `agentlint-${version}.vsix`);

function fail(message) {
  throw new Error(message);
}

for (const [what, file] of [
  ["the .vsix (npm run package)", vsix],
  ["code-server (scripts/install-test-deps.sh)", codeServer],
  ["Chromium (scripts/install-test-deps.sh)", chromiumPath],
]) {
  if (!fs.existsSync(file)) {
    console.error(`e2e: FAILED: ${what} not found at ${file}`);
    process.exit(1);
  }
}

const { chromium } = await import("playwright-core");

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`code-server did not answer at ${url}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agentlint-e2e-"));
const userData = path.join(tmp, "user-data");
const extensions = path.join(tmp, "extensions");
const profile = path.join(tmp, "chromium");
const workspace = path.join(tmp, "examples");
const screenshot = process.env.AGENTLINT_E2E_SCREENSHOT
  ? path.resolve(process.env.AGENTLINT_E2E_SCREENSHOT)
  : path.join(tmp, "screenshot.png");
fs.cpSync(path.join(repo, "examples"), workspace, { recursive: true });
// Settings: no welcome page, no trust prompt, the agentlint trace in the log.
fs.mkdirSync(path.join(userData, "User"), { recursive: true });
fs.writeFileSync(
  path.join(userData, "User/settings.json"),
  JSON.stringify({
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "workbench.tips.enabled": false,
    "extensions.autoCheckUpdates": false,
    "telemetry.telemetryLevel": "off",
    "editor.hover.delay": 100,
  }),
);

const started = Date.now();
execFileSync(
  codeServer,
  ["--user-data-dir", userData, "--extensions-dir", extensions, "--install-extension", vsix],
  { stdio: "inherit" },
);
const port = await freePort();
const server = spawn(
  codeServer,
  [
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir", userData,
    "--extensions-dir", extensions,
    workspace,
  ],
  { detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
let serverLog = "";
server.stdout.on("data", (d) => (serverLog += d));
server.stderr.on("data", (d) => (serverLog += d));

let context;
try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });

  // Open the file with Quick Open.
  const file = "research_server.py";
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget:not(.hidden) input", { timeout: 20_000 });
  await page.keyboard.type(file);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${file}"]`, {
    timeout: 20_000,
  });
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab.active[aria-label*="${file}"]`, { timeout: 20_000 });

  // The server starts, analyses, and publishes: squiggles appear.
  await page.waitForSelector(".squiggly-error, .squiggly-warning", { timeout: 90_000 });

  // The Problems panel lists the findings with their codes.
  await page.keyboard.press("Control+Shift+M");
  await page.waitForSelector(".markers-panel .monaco-list-row", { timeout: 20_000 });
  const problems = async () =>
    page.$$eval(".markers-panel .monaco-list-row", (rows) => rows.map((r) => r.textContent ?? ""));
  // Each finding has its why and what to do as related information, so the list is longer than
  // the panel: each code is looked for with the panel's filter.
  const filter = page.locator('.panel input[placeholder^="Filter"]').first();
  await filter.waitFor({ timeout: 20_000 });
  const rowsOf = async (code) => {
    await filter.fill(code);
    await page.waitForTimeout(300);
    return problems();
  };
  let rows = [];
  for (const code of ["AL110", "AL201", "AL203"]) {
    const deadline = Date.now() + 30_000;
    rows = await rowsOf(code);
    while (!rows.some((r) => r.includes(code))) {
      if (Date.now() > deadline) fail(`Problems lacks ${code}: ${JSON.stringify(rows)}`);
      await page.waitForTimeout(500);
      rows = await problems();
    }
    // The finding is one sentence; why it matters and what to do are listed under it.
    if (!rows.some((r) => r.includes("Why: ")) || !rows.some((r) => r.includes("What to do: "))) {
      fail(`${code} has no "Why:" and "What to do:" under it: ${JSON.stringify(rows)}`);
    }
  }
  console.log(`e2e: Problems lists AL110, AL201 and AL203, each with why and what to do`);
  const evalRows = () => rows.filter((r) => r.includes("AL203")).length;
  const before = evalRows();

  // Go to the `eval` finding (line 60) and open the quick fixes.
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("Control+G");
  await page.waitForSelector(".quick-input-widget:not(.hidden) input", { timeout: 10_000 });
  await page.keyboard.type("60:16");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await page.keyboard.press("Control+.");
  const title = "Replace `eval` with `ast.literal_eval`";
  const item = page.locator(".action-widget .monaco-list-row", { hasText: title }).first();
  await item.waitFor({ timeout: 20_000 });
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`e2e: screenshot of the finding and its quick fix: ${screenshot}`);
  // The fix is the first entry, focused: Enter applies it (a click is intercepted by the list).
  const focused = await page
    .locator(".action-widget .monaco-list-row.focused")
    .first()
    .textContent({ timeout: 5_000 });
  if (!focused?.includes(title)) fail(`the focused quick fix is "${focused}", not "${title}"`);
  await page.keyboard.press("Enter");

  // The fix lands in the file, and the finding is gone.
  await page.waitForFunction(
    () => document.querySelector(".monaco-editor .view-lines")?.textContent?.includes("ast.literal_eval"),
    null,
    { timeout: 20_000 },
  );
  const fixedBy = Date.now() + 30_000;
  rows = await rowsOf("AL203");
  while (evalRows() >= before) {
    if (Date.now() > fixedBy) fail(`AL203 still listed after the fix: ${JSON.stringify(rows)}`);
    await page.waitForTimeout(500);
    rows = await problems();
  }
  console.log(`e2e: the quick fix removed the finding (${before} → ${evalRows()} AL203 rows)`);
  console.log(`e2e: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  process.exitCode = 1;
  console.error(`e2e: FAILED: ${error instanceof Error ? error.message : error}`);
  try {
    const pages = context?.pages() ?? [];
    if (pages[0]) await pages[0].screenshot({ path: path.join(tmp, "failure.png") });
    console.error(`e2e: failure screenshot: ${path.join(tmp, "failure.png")}`);
  } catch {
    // the browser is gone
  }
  console.error(`e2e: code-server log:\n${serverLog.slice(-4000)}`);
} finally {
  await context?.close().catch(() => {});
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
  // Kept when the run failed (the screenshot, the profile); removed when it passed (180 MB).
  if (!process.exitCode) {
    try {
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // a file still held by the exiting server: the OS cleans the temporary directory
    }
  }
}
