/**
 * The report level of the change preview: stacks added and removed, failures on either side and exit codes, and
 * the markdown report's size limit.
 */
import assert from "node:assert/strict";
import { mkdtempSync, copyFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../../../tools/lib/program-runner";
import { runPreview, type PreviewReport, type StackReport } from "../../../../tools/preview/preview";
import { buildChangeReport, type ChangeReport } from "../../../../tools/preview/diff/report";
import { renderChangeMarkdown, GITHUB_COMMENT_LIMIT } from "../../../../tools/preview/diff/render-markdown";
import { readBaseJson } from "../../../../tools/preview/diff/base";

const BASE = { source: "json" as const, given: "base.json" };

describe("change report", function () {
  this.timeout(120_000);
  let dev: PreviewReport;
  let devAndStaging: PreviewReport;

  before(async () => {
    // A project with a second stack, "staging", configured like dev: the head side of "a stack added".
    const dir = mkdtempSync(join(tmpdir(), "diff-stacks-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) copyFileSync(join(REPO_ROOT, f), join(dir, f));
      copyFileSync(join(REPO_ROOT, "Pulumi.dev.yaml"), join(dir, "Pulumi.staging.yaml"));
      const options = { projectDir: dir, programPath: join(REPO_ROOT, "index.ts"), skipPolicy: true };
      devAndStaging = await runPreview(options);
      dev = { ...devAndStaging, stacks: devAndStaging.stacks.filter((s) => s.stack === "dev") };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a stack added: every resource created, its whole cost as the difference", () => {
    const report = buildChangeReport(dev, devAndStaging, BASE);
    const staging = report.stacks.find((s) => s.stack === "staging")!;
    const stagingReport = devAndStaging.stacks.find((s) => s.stack === "staging")!;
    assert.equal(staging.status, "added");
    assert.equal(staging.counts.create, stagingReport.resources.length);
    assert.equal(
      staging.counts.update + staging.counts.replace + staging.counts.delete + staging.counts.same,
      0,
    );
    assert.ok(stagingReport.cost.status === "ok");
    assert.deepEqual(staging.cost.difference, {
      min: Math.round(stagingReport.cost.monthlyMin * 100) / 100,
      max: Math.round(stagingReport.cost.monthlyMax * 100) / 100,
    });
    assert.equal(report.stacks.find((s) => s.stack === "dev")?.status, "unchanged");
  });

  it("--show-same lists the unchanged resources too; by default they are only counted", () => {
    const hidden = buildChangeReport(dev, dev, BASE).stacks[0];
    assert.equal(hidden.status, "unchanged");
    assert.deepEqual(hidden.resources, []);
    assert.equal(hidden.counts.same, dev.stacks[0].resources.length);
    const shown = buildChangeReport(dev, dev, BASE, { showSame: true }).stacks[0];
    assert.equal(shown.resources.length, dev.stacks[0].resources.length);
    assert.ok(shown.resources.every((r) => r.operation === "same"));
  });

  it("a stack removed: every resource deleted", () => {
    const report = buildChangeReport(devAndStaging, dev, BASE);
    const staging = report.stacks.find((s) => s.stack === "staging")!;
    assert.equal(staging.status, "removed");
    assert.equal(
      staging.counts.delete,
      devAndStaging.stacks.find((s) => s.stack === "staging")!.resources.length,
    );
  });

  it("exit code 2 when a stack failed on either side, naming the side", () => {
    const broken: StackReport = {
      ...dev.stacks[0],
      status: "config-error",
      error: { kind: "config", message: "ml-platform:endpoint.minCapacity: must be ≥ 1" },
    };
    const report = buildChangeReport({ ...dev, stacks: [broken] }, dev, BASE);
    assert.equal(report.exitCode, 2);
    assert.match(report.stacks[0].error!, /^base: config-error: ml-platform:endpoint\.minCapacity/);
  });

  it("markdown stays under GitHub's comment limit, with a truncation note", () => {
    const report = buildChangeReport(dev, devAndStaging, BASE);
    const huge: ChangeReport = {
      ...report,
      stacks: Array.from({ length: 40 }, (_, i) => ({ ...report.stacks[1], stack: `staging-${i}` })),
    };
    const markdown = renderChangeMarkdown(huge);
    assert.ok(markdown.length <= GITHUB_COMMENT_LIMIT, String(markdown.length));
    assert.match(markdown, /Report truncated to fit a GitHub comment: details of \d+ stack\(s\) left out/);
    // Every stack still has its summary row, and every opened block is closed.
    assert.equal((markdown.match(/^\| staging-\d+ \| added \|/gm) ?? []).length, 40);
    assert.equal((markdown.match(/```/g) ?? []).length % 2, 0);
    assert.equal((markdown.match(/<details>/g) ?? []).length, (markdown.match(/<\/details>/g) ?? []).length);
    const small = renderChangeMarkdown(report);
    assert.doesNotMatch(small, /truncated/);
  });

  it("a stateful resource deleted gets a caution line in the summary", () => {
    const withoutBucket: PreviewReport = {
      ...dev,
      stacks: [
        {
          ...dev.stacks[0],
          resources: dev.stacks[0].resources.filter((r) => r.type !== "aws:s3/bucket:Bucket"),
        },
      ],
    };
    const report = buildChangeReport(dev, withoutBucket, BASE);
    assert.deepEqual(report.summary.destructive, ["dev: ml-platform-dev-artifacts (stateful) is deleted"]);
    assert.match(
      renderChangeMarkdown(report),
      /\[!CAUTION\][\s\S]*dev: ml-platform-dev-artifacts \(stateful\) is deleted/,
    );
  });

  it("a saved report is checked: a clear error names the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "diff-json-"));
    try {
      writeFileSync(join(dir, "a.json"), JSON.stringify({ schemaVersion: 1, stacks: [{ stack: "dev" }] }));
      assert.throws(
        () => readBaseJson(join(dir, "a.json")),
        /stacks\[0\] must have a stack name and a resources array/,
      );
      writeFileSync(join(dir, "b.json"), JSON.stringify({ schemaVersion: 7, stacks: [] }));
      assert.throws(() => readBaseJson(join(dir, "b.json")), /schemaVersion must be 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
