/**
 * The docs name files and link to sections; after a file moves, the docs must follow. Every relative link must
 * reach an existing file (and, with `#anchor`, an existing heading), and every repository path written in
 * backticks must exist.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const DOCS = [
  "README.md",
  "lambda/README.md",
  "test/fixtures/pricing/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** A path under one of the repository's top-level folders (bare file names are relative to their context). */
const REPO_PATH = /^(?:aws-facts|components|lambda|policy|program|tools|test|docs)\/[\w./-]*$/;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) found.add(slug(m[1]!));
  return found;
}

/** Markdown without fenced code blocks, whose contents are commands and output rather than references. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

describe("docs: paths and links", () => {
  for (const doc of DOCS) {
    const text = prose(readFileSync(join(ROOT, doc), "utf8"));
    const base = dirname(join(ROOT, doc));

    it(`${doc}: every relative link reaches a file and heading`, () => {
      const broken: string[] = [];
      for (const m of text.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
        const [file, anchor] = target.split("#") as [string, string | undefined];
        const path = file === "" ? join(ROOT, doc) : join(base, file);
        if (!existsSync(path)) {
          broken.push(`${target} (no file ${relative(ROOT, path)})`);
          continue;
        }
        if (
          anchor !== undefined &&
          path.endsWith(".md") &&
          !anchors(readFileSync(path, "utf8")).has(anchor)
        ) {
          broken.push(`${target} (no heading #${anchor})`);
        }
      }
      assert.deepEqual(broken, [], `${doc} has broken links`);
    });

    it(`${doc}: every repository path in backticks exists`, () => {
      const missing: string[] = [];
      for (const m of text.matchAll(/`([^`\s]+)`/g)) {
        const path = m[1]!.replace(/[.,:;]$/, "");
        if (!REPO_PATH.test(path)) continue;
        if (!existsSync(join(ROOT, path)) && !existsSync(join(base, path))) missing.push(path);
      }
      assert.deepEqual(missing, [], `${doc} names paths that do not exist`);
    });
  }
});
