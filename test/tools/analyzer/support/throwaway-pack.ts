/**
 * Throwaway policy packs for the analyzer client's tests: a package.json and an index.js in a temporary directory,
 * with the repository's node_modules linked in so `@pulumi/policy` and the CLI's runner resolve.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(__dirname, "..", "..", "..", "..");

/** Registers mocha hooks for a temporary directory and returns a function that writes a pack into it. */
export function throwawayPacks(prefix: string): (name: string, main: string, version?: string) => string {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return (name, main, version = "1.0.0") => {
    const packDir = join(dir, name);
    mkdirSync(packDir);
    symlinkSync(join(REPO, "node_modules"), join(packDir, "node_modules"), "dir");
    writeFileSync(join(packDir, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
    writeFileSync(join(packDir, "index.js"), main);
    return packDir;
  };
}
