/** The pull-request workflow posts the change preview: one sticky comment, minimum permissions, forks' fallback. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../../support/cli";

type Step = { run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { if?: string; needs?: string[]; steps: Step[]; permissions?: Record<string, string> };

const workflow = parseYaml(readFileSync(join(ROOT, ".github/workflows/pull-request.yml"), "utf8")) as {
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

describe("pull-request workflow: change preview comment", () => {
  it("the offline job previews the change against the pull request's base commit, into the job summary", () => {
    const step = workflow.jobs.offline.steps.find((s) => /--base "\$BASE_SHA"/.test(s.run ?? ""))!;
    assert.ok(step, "a step runs the preview with --base");
    assert.equal(step.env?.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
    assert.match(step.run!, /--markdown-file preview\.md/);
    assert.match(step.run!, /cat preview\.md >> "\$GITHUB_STEP_SUMMARY"/);
    // The preview formats the report itself: no inline JavaScript left.
    assert.doesNotMatch(JSON.stringify(workflow), /node -e/);
  });

  it("only the comment job may write to pull requests, and it skips forks", () => {
    assert.deepEqual(workflow.permissions, { contents: "read" });
    const writers = Object.entries(workflow.jobs).filter(
      ([, j]) => j.permissions?.["pull-requests"] === "write",
    );
    assert.deepEqual(
      writers.map(([name]) => name),
      ["preview-comment"],
    );
    const job = workflow.jobs["preview-comment"];
    assert.deepEqual(job.permissions, { "pull-requests": "write" });
    assert.deepEqual(job.needs, ["offline"]);
    assert.match(job.if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
  });

  it("the comment is found by its marker and updated in place, else created", () => {
    const run = workflow.jobs["preview-comment"].steps.map((s) => s.run ?? "").join("\n");
    assert.match(run, /marker='<!-- ml-platform offline change preview -->'/);
    assert.match(run, /--method PATCH "repos\/\$GH_REPO\/issues\/comments\/\$id"/);
    assert.match(run, /--method POST "repos\/\$GH_REPO\/issues\/\$PR\/comments"/);
  });
});
