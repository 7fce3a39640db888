import assert from "node:assert/strict";
import { test } from "node:test";

import { bundledPath, findServer, notFoundMessage } from "../src/server";

const base = {
  setting: undefined as string | null | undefined,
  trusted: true,
  extensionPath: "/ext",
  platform: "linux",
  arch: "x64",
  pathDirs: ["/usr/local/bin", "/usr/bin"],
};

test("the setting wins when the workspace is trusted and it is executable", () => {
  const found = findServer({
    ...base,
    setting: "/opt/agentlint",
    isExecutable: (f) => f === "/opt/agentlint" || f === "/ext/server/linux-x64/agentlint",
  });
  assert.equal(found.path, "/opt/agentlint");
  assert.equal(found.source, "setting");
});

test("an untrusted workspace cannot choose the binary", () => {
  const found = findServer({
    ...base,
    setting: "./evil",
    trusted: false,
    isExecutable: () => true,
  });
  assert.equal(found.source, "bundled");
  assert.equal(found.path, "/ext/server/linux-x64/agentlint");
  assert.match(found.warning ?? "", /not trusted/);
});

test("a wrong setting falls back and says why", () => {
  const found = findServer({
    ...base,
    setting: "/nope",
    isExecutable: (f) => f === "/usr/bin/agentlint",
  });
  assert.equal(found.source, "PATH");
  assert.equal(found.path, "/usr/bin/agentlint");
  assert.match(found.warning ?? "", /not an executable/);
  assert.deepEqual(found.tried, [
    "agentlint.path: /nope",
    "bundled: /ext/server/linux-x64/agentlint",
    "PATH: /usr/bin/agentlint",
  ]);
});

test("nothing found: the message lists what was tried", () => {
  const found = findServer({ ...base, isExecutable: () => false });
  assert.equal(found.path, undefined);
  const message = notFoundMessage(found);
  assert.match(message, /bundled: \/ext\/server\/linux-x64\/agentlint/);
  assert.match(message, /no agentlint in 2 directories/);
});

test("bundled binaries are per platform", () => {
  assert.equal(bundledPath("/e", "win32", "x64"), "/e/server/win32-x64/agentlint.exe");
  assert.equal(bundledPath("/e", "darwin", "arm64"), "/e/server/darwin-arm64/agentlint");
});
