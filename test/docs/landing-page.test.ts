/**
 * The README is a landing page: what the project is, the quick start, the layout, one screen per task and links.
 * The detail lives in docs/, so the README stays short enough to read in one go.
 */
import { strict as assert } from "node:assert";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const README = join(ROOT, "README.md");
const MAX_BYTES = 15 * 1024;

describe("README.md as a landing page", () => {
  it(`is at most ${MAX_BYTES} bytes`, () => {
    const size = statSync(README).size;
    assert.ok(size <= MAX_BYTES, `README.md is ${size} bytes; move detail into docs/`);
  });

  it("links to the main pages in docs/", () => {
    const text = readFileSync(README, "utf8");
    for (const page of [
      "configuration",
      "preview",
      "operations",
      "policies",
      "cost",
      "capacity",
      "performance",
    ]) {
      assert.match(text, new RegExp(`docs/${page}\\.md`), `README.md does not link docs/${page}.md`);
    }
  });
});
