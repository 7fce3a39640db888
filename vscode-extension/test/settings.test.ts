import assert from "node:assert/strict";
import { test } from "node:test";

import { counts, ruleCode, serverSettings } from "../src/settings";

function getter(values: Record<string, unknown>) {
  return <T>(key: string) => values[key] as T | undefined;
}

test("defaults leave the project's configuration in charge", () => {
  assert.deepEqual(serverSettings(getter({})), { enable: true });
  assert.deepEqual(serverSettings(getter({ select: [], ignore: [], severity: {} })), {
    enable: true,
  });
});

test("settings map to the server's options", () => {
  assert.deepEqual(
    serverSettings(
      getter({
        enable: false,
        select: [" AL2", "AL301", ""],
        ignore: ["AL403"],
        severity: { al203: "Error", AL4: "hint", AL1: "loud" },
      }),
    ),
    {
      enable: false,
      select: ["AL2", "AL301"],
      ignore: ["AL403"],
      severity: { AL203: "error", AL4: "hint" },
    },
  );
});

test("status counts and rule codes", () => {
  assert.equal(counts(1, 2, 0), "1 error, 2 warnings");
  assert.equal(counts(0, 1, 3), "0 errors, 1 warning, 3 notes");
  assert.equal(ruleCode("AL203"), "AL203");
  assert.equal(ruleCode({ value: "AL401", target: "https://x" }), "AL401");
  assert.equal(ruleCode("E501"), undefined);
  assert.equal(ruleCode(42), undefined);
});
