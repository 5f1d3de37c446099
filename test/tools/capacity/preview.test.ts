/**
 * The capacity section of `npm run preview`: text per stack, the full results in --json, SVG charts with --chart,
 * and the policy pack failing prod (mandatory endpoint-capacity) when a proposed config cannot absorb the spike.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { PreviewReport } from "../../../tools/preview/preview";
import { buildOnce, describeRun, ROOT, runPreviewCli } from "../support/cli";

describe("offline preview: capacity section", function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), "preview-capacity-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("carries the results in --json and writes one chart per stack and profile", async () => {
    const charts = join(dir, "charts");
    const run = await runPreviewCli(["--stack", "dev", "--no-policy", "--json", "--chart", charts]);
    assert.equal(run.code, 0, describeRun(run));
    const report = JSON.parse(run.stdout) as PreviewReport;
    const capacity = report.stacks[0].capacity!;
    assert.equal(capacity.status, "ok");
    if (capacity.status !== "ok") return;
    const endpoint = capacity.endpoints[0];
    assert.equal(endpoint.assumptions.maxRequestsPerSecondPerInstance, 5);
    assert.deepEqual(
      endpoint.profiles.map((p) => [p.name, p.timeline.length]),
      [
        ["steady", 360],
        ["5x spike", 360],
        ["daily peak", 8640],
      ],
    );
    assert.deepEqual(readdirSync(charts).sort(), [
      "dev-5x-spike.svg",
      "dev-daily-peak.svg",
      "dev-steady.svg",
    ]);
    assert.match(
      readFileSync(join(charts, "dev-5x-spike.svg"), "utf8"),
      /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/,
    );
  });

  it("fails prod through the policy pack when a proposed config has two instances", async () => {
    const doc = parseDocument(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    doc.setIn(["config", "ml-platform:endpoint", "minCapacity"], 2);
    doc.setIn(["config", "ml-platform:endpoint", "initialInstanceCount"], 2);
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, doc.toString());
    const run = await runPreviewCli(["--stack", "prod", "--config-file", file]);
    assert.equal(run.code, 1, describeRun(run));
    assert.match(run.stdout, /endpoint-capacity/);
    assert.match(
      run.stdout,
      /cannot\s+absorb\s+profile\s+"5x\s+spike"/,
      "the pack reports the mandatory violation",
    );
    assert.match(run.stdout, /Capacity \(endpoint-capacity mandatory/);
    assert.match(run.stdout, /Verdict: CANNOT absorb "5x spike": drops 1947 of 28320 requests/);
    assert.match(run.stdout, /Timeline "5x spike"/);
  });
});
