// A command-line program with nothing to do with a model: its shell commands are built from its
// own values, so they are hints, not warnings.
import { execSync } from "node:child_process";

export function lastCommit(branch: string): string {
  return execSync(`git log -n 1 ${branch}`).toString();
}
