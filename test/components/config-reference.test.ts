/**
 * The configuration reference (docs/configuration.md) must list every key and field the program accepts, and nothing it doesn't: the
 * table is the public contract, so it must stay true as the schema changes.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STACK_CONFIG_KEYS, STACK_CONFIG_SCHEMAS } from "../../program/stack-config";

const CONFIG_DOC = join(__dirname, "..", "..", "docs", "configuration.md");

function configSection(): string {
  const text = readFileSync(CONFIG_DOC, "utf8");
  const match = /<!-- section:config -->([\s\S]*?)<!-- \/section:config -->/.exec(text);
  assert.ok(match, "docs/configuration.md has no config section");
  return match[1]!;
}

/** Field names documented in the table: backticked names at the start of `| · …` rows. */
function documentedFields(section: string): Set<string> {
  const fields = new Set<string>();
  for (const line of section.split("\n")) {
    const cell = /^\|\s*·\s*([^|]+)\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const m of cell.matchAll(/`([A-Za-z0-9.]+)`/g)) fields.add(m[1]!);
  }
  return fields;
}

describe("configuration reference (docs/configuration.md)", () => {
  const section = configSection();
  const fields = documentedFields(section);

  it("documents every top-level key", () => {
    for (const key of [...STACK_CONFIG_KEYS, "aws:region"]) {
      assert.ok(section.includes(`\`${key}\``), `docs/configuration.md's config table lacks ${key}`);
    }
  });

  it("documents every field of every structured key, and no field the schema doesn't have", () => {
    const expected = new Set<string>();
    for (const [key, schema] of Object.entries(STACK_CONFIG_SCHEMAS)) {
      const prefix = key.includes(".") ? `${key.split(".")[1]}.` : "";
      for (const field of Object.keys(schema.shape)) expected.add(`${prefix}${field}`);
    }
    const missing = [...expected].filter((f) => !fields.has(f));
    const unknown = [...fields].filter((f) => !expected.has(f));
    assert.deepEqual(missing, [], `fields missing from docs/configuration.md: ${missing.join(", ")}`);
    assert.deepEqual(
      unknown,
      [],
      `docs/configuration.md documents fields the schema doesn't accept: ${unknown.join(", ")}`,
    );
  });
});
