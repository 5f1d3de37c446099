// Existing stacks keep their resources across the token change. The deployed state holds the URNs the components
// registered under their old tokens (`ml-platform:<module>:<Component>`, committed in test/fixtures/legacy-graph/,
// see legacy-graph.ts); the program now registers `components:index:<Component>`. A URN contains its parent's type,
// so every child's URN changes too. The engine matches a new registration to an old resource when the old URN is the
// new URN or one of its aliases, and each child inherits an alias under every alias of its parent
// (https://www.pulumi.com/docs/iac/concepts/options/aliases/). The capturing monitor resolves the components' alias
// specs and the children's inherited aliases by the engine's rules (tools/lib/capture-aliases.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { runProgram } from "../../../tools/lib/program-runner";
import { ensureLambdaBundle } from "../../program/support/bundle";
import { LEGACY_TYPES } from "../../support/type-tokens";
import {
  COMPONENT_TAG,
  componentTagOf,
  LEGACY_GRAPH_DIR,
  LEGACY_STACKS,
  type LegacyResource,
} from "./legacy-graph";

function legacyGraph(stack: string): LegacyResource[] {
  return JSON.parse(readFileSync(join(LEGACY_GRAPH_DIR, `${stack}.json`), "utf8")).resources;
}

describe("components package: old-token stacks map onto the new tokens without replacement", function () {
  this.timeout(180_000);
  before(ensureLambdaBundle);

  for (const stack of LEGACY_STACKS) {
    describe(stack, () => {
      let current: readonly CapturedResource[];
      let legacy: LegacyResource[];

      before(async () => {
        const result = await runProgram({ stack });
        assert.ok(result.ok, result.ok ? "" : result.message);
        current = result.stack.resources;
        legacy = legacyGraph(stack);
      });

      it("changes every component's and child's URN (the parent's type is part of a child's URN)", () => {
        const legacyUrns = new Set(legacy.map((r) => r.urn));
        const unchanged = current.filter((r) => legacyUrns.has(r.urn)).map((r) => r.type);
        assert.deepEqual(unchanged, ["pulumi:pulumi:Stack"]);
        for (const [type, legacyType] of Object.entries(LEGACY_TYPES)) {
          assert.ok(
            current.some((r) => r.type === type),
            `no ${type} in ${stack}`,
          );
          assert.ok(
            legacy.some((r) => r.urn.includes(`::${legacyType}::`)),
            `no ${legacyType} in the old ${stack}`,
          );
        }
      });

      it("matches every old resource to exactly one new registration through its URN or an alias", () => {
        const matches = new Map<string, string[]>();
        for (const r of current) {
          for (const urn of [r.urn, ...(r.aliases ?? [])])
            matches.set(urn, [...(matches.get(urn) ?? []), r.urn]);
        }
        for (const old of legacy) {
          assert.equal(
            matches.get(old.urn)?.length,
            1,
            `${old.urn} is matched by ${matches.get(old.urn) ?? "nothing"}`,
          );
        }
        // No registration stands for two old resources (the engine would refuse the ambiguity).
        const legacyUrns = new Set(legacy.map((r) => r.urn));
        for (const r of current) {
          const olds = [r.urn, ...(r.aliases ?? [])].filter((urn) => legacyUrns.has(urn));
          assert.ok(olds.length <= 1, `${r.urn} matches ${olds.length} old resources`);
        }
      });

      it("keeps each child's ml-platform:component tag, so the token change updates no child", () => {
        const byOldUrn = new Map<string, CapturedResource>();
        for (const r of current) for (const urn of [r.urn, ...(r.aliases ?? [])]) byOldUrn.set(urn, r);
        const tagged = legacy.filter((old) => old.componentTag !== undefined);
        assert.ok(tagged.length > 10, "the old graph has too few tagged children to mean anything");
        for (const old of tagged) {
          const now = byOldUrn.get(old.urn);
          assert.ok(now, `${old.urn} has no match`);
          assert.equal(
            componentTagOf(now.inputs),
            old.componentTag,
            `${old.urn}: ${COMPONENT_TAG} tag changed`,
          );
        }
      });
    });
  }
});
