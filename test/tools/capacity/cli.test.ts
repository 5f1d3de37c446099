/**
 * `npm run capacity` end to end (a child process, without npm and the build): a profile from the command line,
 * the JSON shape, charts, exit codes and messages for bad input.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, describeRun, ROOT, runNode } from "../support/cli";

const runCapacityCli = (args: readonly string[]) =>
  runNode(["-r", join(ROOT, "tools/lib/esbuild-register.js"), join(ROOT, "tools/capacity/cli.ts"), ...args]);

describe("npm run capacity", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), "capacity-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("replays a profile file against dev and prints the JSON the docs describe", async () => {
    // 2 → 12 requests/s for 10 minutes. Dev reserves no concurrency, so the function draws on the account's
    // unreserved pool (1,000 by default), far above 12 requests/s × 0.5 s: nothing is throttled.
    const profile = join(dir, "step.json");
    writeFileSync(
      profile,
      JSON.stringify({
        name: "step",
        durationMinutes: 30,
        baselineRps: 2,
        steps: [
          { atMinute: 10, rps: 12 },
          { atMinute: 20, rps: 2 },
        ],
      }),
    );
    const run = await runCapacityCli([
      "--stack",
      "dev",
      "--profile",
      profile,
      "--json",
      "--chart",
      join(dir, "charts"),
    ]);
    assert.equal(run.code, 0, describeRun(run)); // dev's policy is advisory
    const doc = JSON.parse(run.stdout) as { schemaVersion: number; stacks: Record<string, any>[] };
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.stacks.length, 1);
    const entry = doc.stacks[0];
    assert.equal(entry.stack, "dev");
    for (const key of ["maxRequestsPerSecondPerInstance", "instanceStartupSeconds", "functionDurationMs"])
      assert.equal(typeof entry.assumptions[key], "number", key);
    assert.equal(entry.assumptions.functionDurationMs, 500);
    assert.equal(entry.profiles.length, 1);
    const p = entry.profiles[0];
    for (const key of [
      "name",
      "offeredRequests",
      "servedRequests",
      "droppedRequests",
      "throttledRequests",
      "coldStarts",
      "firstScaleOutDecisionSeconds",
      "firstScaleOutInServiceSeconds",
      "peakInstances",
      "instanceHours",
      "costUsd",
      "timeline",
    ])
      assert.ok(key in p, `profiles[0].${key}`);
    assert.equal(p.timeline.length, 180);
    assert.deepEqual(
      Object.keys(p.timeline[0]).filter((k) =>
        ["t", "offeredRps", "servedRps", "inServiceInstances", "desiredInstances"].includes(k),
      ).length,
      5,
    );
    assert.equal(p.offeredRequests, 2 * 1200 + 12 * 600);
    assert.equal(p.throttledRequests, 0);
    assert.ok(
      Math.abs(p.servedRequests + p.droppedRequests + p.throttledRequests - p.offeredRequests) < 1e-6,
    );
    assert.deepEqual(entry.checkedProfiles, ["step"]);
    assert.equal(entry.shortfalls.length, 1, "the throttling exceeds the 1 % limit");
    assert.deepEqual(readdirSync(join(dir, "charts")), ["dev-step.svg"]);
  });

  it("prints the whole JSON document for prod's three profiles (over a megabyte on a pipe)", async () => {
    const run = await runCapacityCli(["--stack", "prod", "--json"]);
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.stdout.length > 1_000_000, `${run.stdout.length} characters`);
    const doc = JSON.parse(run.stdout) as { stacks: { profiles: { name: string; timeline: unknown[] }[] }[] };
    assert.deepEqual(
      doc.stacks[0].profiles.map((p) => [p.name, p.timeline.length]),
      [
        ["steady", 360],
        ["5x spike", 360],
        ["daily peak", 8640],
      ],
    );
  });

  it("prints the text report with the verdict for prod", async () => {
    const run = await runCapacityCli(["--stack", "prod"]);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stdout, /━━ Stack prod ━━/);
    assert.match(run.stdout, /^5x spike +\d[\d,]* +\d[\d,]* +0 \(0\.00%\)/m);
    assert.match(run.stdout, /Timeline "5x spike"/);
    assert.match(run.stdout, /Verdict: absorbs "5x spike"/);
  });

  it("rejects a bad profile file naming the field, and a missing --stack", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({ name: "x", durationMinutes: 10, baselineRps: 1, steps: [{ atMinute: 20, rps: 2 }] }),
    );
    const run = await runCapacityCli(["--stack", "dev", "--profile", bad]);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(
      run.stderr,
      /steps\[0\]\.atMinute: must be before the end of the profile \(durationMinutes 10\)/,
    );
    const none = await runCapacityCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--stack <name> is required/);
  });
});
