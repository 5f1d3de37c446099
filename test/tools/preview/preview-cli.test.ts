/**
 * End to end: the offline preview CLI run as a child process against the real program (index.ts), stack files
 * and policy pack, plus temporary variants of them. Each case checks the exit code and that the output names what
 * went wrong.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { parseDocument } from "yaml";
import type { PreviewReport } from "../../../tools/preview/preview";
import { renderText } from "../../../tools/preview/render-text";
import { buildOnce, describeRun, PROGRAMS, ROOT, runPreviewCli, type CliResult } from "../support/cli";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const schema = JSON.parse(readFileSync(join(ROOT, "tools/preview/preview-output.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function assertValid(report: unknown): asserts report is PreviewReport {
  if (!validate(report))
    assert.fail(`--json output does not match its schema:\n${JSON.stringify(validate.errors, null, 2)}`);
}

function parseJson(run: CliResult): PreviewReport {
  let report: unknown;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    assert.fail(`--json printed something that is not JSON:\n${describeRun(run)}`);
  }
  assertValid(report);
  return report;
}

/** Runs the CLI with `--json`, checks the exit code, and returns the validated document. */
async function runJson(args: readonly string[], expectedCode: number): Promise<PreviewReport> {
  const run = await runPreviewCli([...args, "--json"]);
  assert.equal(run.code, expectedCode, describeRun(run));
  return parseJson(run);
}

/** A temp project dir with Pulumi.yaml and a copy of a stack file, edited by `edit`. */
function tempProject(stack: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "preview-"));
  copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const doc = parseDocument(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), doc.toString());
  return dir;
}

describe("offline preview CLI (end to end)", function () {
  this.timeout(180_000);
  const temps: string[] = [];
  before(() => buildOnce());
  after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe("the repository's stacks", () => {
    it("previews both stacks as text and exits 0", async () => {
      const run = await runPreviewCli([]);
      assert.equal(run.code, 0, describeRun(run));
      for (const stack of ["dev", "prod"])
        assert.match(run.stdout, new RegExp(`━━ Stack ${stack} \\(ml-platform\\) ━━`));
      // The plan tree: components with their children, key inputs per type.
      assert.match(run.stdout, /\+ {3}pulumi:pulumi:Stack +ml-platform-dev/);
      assert.match(run.stdout, /├─ components:index:ScalableEndpoint/);
      assert.match(
        run.stdout,
        /│ {2}[├└]─ aws:sagemaker:EndpointConfiguration .*variant AllTraffic: ml\.m5\.large×1/,
      );
      assert.match(run.stdout, /aws:appautoscaling:Policy .*scaleInCooldown=600/, "prod's cooldown is shown");
      assert.match(run.stdout, /aws:ec2:Instance .*\[ignoreChanges: ami\]/);
      assert.match(run.stdout, /Policies \(ml-platform@[\d.]+, config policy\/config\/prod\.json\)/);
      assert.match(run.stdout, /Cost estimate for region us-east-1: \$[\d,.]+ – \$[\d,.]+ per month/);
      // The cost table's columns, each with its rule segment and no segment under nothing.
      const costHeader =
        /^Resource +Type +Item +Quantity +Unit price +Monthly \(USD\) +Confidence +Basis\n(.*)$/m.exec(
          run.stdout,
        );
      assert.ok(costHeader, "the cost table's header");
      assert.equal(costHeader[1].split(/ +/).length, 8, `one rule segment per column: ${costHeader[1]}`);
      assert.match(run.stdout, /No mandatory policy violations\./);
      assert.ok(!run.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
    });

    it("--json: one document that matches its schema, with the plan, verdicts and cost of both stacks", async () => {
      const report = await runJson([], 0);
      assert.equal(report.exitCode, 0);
      assert.deepEqual(
        report.stacks.map((s) => [s.stack, s.status]),
        [
          ["dev", "ok"],
          ["prod", "ok"],
        ],
      );
      assert.equal(report.policyPack.status, "ok");
      for (const stack of report.stacks) {
        assert.equal(stack.policy.ran, true);
        assert.equal(stack.policy.counts.mandatory, 0);
        assert.equal(stack.resourceCounts[AWS_TYPES.sagemakerEndpoint], 1);
        assert.equal(stack.resourceCounts[AWS_TYPES.appautoscalingPolicy], 1);
        // Every resource hangs off the stack.
        const urns = new Set(stack.resources.map((r) => r.urn));
        for (const r of stack.resources) {
          if (r.type !== "pulumi:pulumi:Stack")
            assert.ok(r.parent && urns.has(r.parent), `${r.urn} has no captured parent`);
        }
        assert.equal(stack.cost.status, "ok");
        if (stack.cost.status === "ok")
          assert.ok(stack.cost.monthlyMax >= stack.cost.monthlyMin && stack.cost.monthlyMin > 0);
        assert.ok(typeof stack.outputs.endpointName === "string");
      }
      const prodBucket = report.stacks[1].resources.find((r) => r.type === AWS_TYPES.s3Bucket);
      assert.equal(prodBucket?.options.protect, true, "prod's bucket is protected");
    });
  });

  it("--output writes the document to a file, leaving stdout empty", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-"));
    temps.push(dir);
    const out = join(dir, "preview.json");
    const run = await runPreviewCli(["--stack", "dev", "--no-policy", "--json", "--output", out]);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, "");
    const report = JSON.parse(readFileSync(out, "utf8"));
    assertValid(report);
    assert.equal(report.policyPack.status, "skipped");
    assert.equal(report.stacks[0].policy.ran, false);
  });

  describe("violations exit 1 and name the policy", () => {
    it("a copy of prod's stack file with an oversized endpoint instance", async () => {
      const dir = tempProject("prod", (doc) =>
        doc.setIn(["config", "ml-platform:endpoint", "instanceType"], "ml.m5.24xlarge"),
      );
      temps.push(dir);
      const run = await runPreviewCli(["--project-dir", dir, "--program", join(ROOT, "index.ts")]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stdout, /✖ mandatory/);
      assert.match(run.stdout, /instance-size-endpoint/);
      assert.match(run.stdout, /ml\.m5\.24xlarge/);
      assert.match(run.stdout, /mandatory policy violation\(s\): `pulumi up` would be blocked/);
    });

    it("a program variant attaching AmazonSageMakerFullAccess", async () => {
      const report = await runJson(
        ["--stack", "dev", "--program", join(PROGRAMS, "full-access", "index.ts")],
        1,
      );
      const mandatory = report.stacks[0].policy.violations.filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(
        mandatory.map((v) => [v.policyName, v.resourceName]),
        [["iam-no-full-access", "notebook-sagemaker-full-access"]],
      );
      assert.match(mandatory[0].message, /AmazonSageMakerFullAccess/);
    });

    it("a program variant with a target-tracking policy that has no scale-in cooldown", async () => {
      const run = await runPreviewCli([
        "--stack",
        "dev",
        "--program",
        join(PROGRAMS, "no-scale-in-cooldown", "index.ts"),
      ]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stdout, /autoscaling-scale-in-cooldown/);
      assert.match(run.stdout, /hand-written-scaling/);
    });

    it("a stack config whose scale-in cooldown is 0 (below the policy's minimum)", async () => {
      const dir = tempProject("dev", (doc) =>
        doc.setIn(["config", "ml-platform:endpoint", "scaleInCooldownSeconds"], 0),
      );
      temps.push(dir);
      const run = await runPreviewCli(["--stack", "dev", "--config-file", join(dir, "Pulumi.dev.yaml")]);
      assert.equal(run.code, 1, describeRun(run));
      assert.match(run.stdout, /autoscaling-scale-in-cooldown/);
    });
  });

  describe("remediation, with a pack whose policies remediate", () => {
    it("remediates dev's resources before analysis, and shows each remediation as a change", async () => {
      const pack = join(ROOT, "test", "tools", "analyzer", "fixtures", "remediating-pack");
      const report = await runJson(["--stack", "dev", "--policy-pack", pack], 0);
      const [dev] = report.stacks;
      // Remediated first, the log group and the instance pass the same policies' checks.
      assert.deepEqual(dev.policy.violations, []);
      const logGroup = dev.resources.find((r) => r.type === AWS_TYPES.cloudwatchLogGroup)!;
      const instance = dev.resources.find((r) => r.type === AWS_TYPES.ec2Instance)!;
      assert.ok(
        (logGroup.inputs.retentionInDays as number) < 30,
        "the program's log group keeps logs < 30 days",
      );
      assert.deepEqual(
        dev.policy.remediations?.map((r) => [r.policyName, r.resourceName, r.changes]),
        [
          [
            "log-retention-30-days",
            logGroup.name,
            [{ path: "retentionInDays", kind: "change", before: logGroup.inputs.retentionInDays, after: 30 }],
          ],
          [
            "instance-no-public-ip",
            instance.name,
            [{ path: "associatePublicIpAddress", kind: "change", before: true, after: false }],
          ],
        ],
      );
      const text = renderText(report, { color: false });
      assert.match(text, /Remediations \(2, applied before the checks/);
      assert.match(
        text,
        new RegExp(
          `~ log-retention-30-days: ${logGroup.name} \\(aws:cloudwatch:LogGroup\\)\\n {8}retentionInDays: ${logGroup.inputs.retentionInDays} → 30\\n`,
        ),
      );
    });
  });

  describe("monthly-budget, with each stack's own policy config and only its budget lowered", () => {
    /** A copy of policy/config/<stack>.json whose monthly-budget budget is $10, enforcement level untouched. */
    function lowBudgetConfig(stack: string): string {
      const config = JSON.parse(readFileSync(join(ROOT, "policy/config", `${stack}.json`), "utf8"));
      config["monthly-budget"] = { ...config["monthly-budget"], budgetUsd: 10 };
      const dir = mkdtempSync(join(tmpdir(), "preview-"));
      temps.push(dir);
      writeFileSync(join(dir, `${stack}.json`), JSON.stringify(config));
      return join(dir, `${stack}.json`);
    }

    for (const [stack, level, code] of [
      ["dev", "advisory", 0],
      ["prod", "mandatory", 1],
    ] as const) {
      it(`is ${level} in ${stack}: over budget exits ${code}`, async () => {
        const report = await runJson(["--stack", stack, "--policy-config", lowBudgetConfig(stack)], code);
        const budget = report.stacks[0].policy.violations.filter((v) => v.policyName === "monthly-budget");
        assert.equal(budget.length, 1, JSON.stringify(report.stacks[0].policy.violations, null, 1));
        assert.equal(budget[0].enforcementLevel, level);
        assert.match(budget[0].message, /over the budget of \$10\.00/);
        const cost = report.stacks[0].cost;
        assert.equal(cost.status === "ok" && cost.withinBudget, false, "the cost section agrees");
        assert.deepEqual(
          report.stacks[0].policy.violations
            .filter((v) => v.enforcementLevel === "mandatory")
            .map((v) => v.policyName),
          level === "mandatory" ? ["monthly-budget"] : [],
        );
      });
    }
  });

  describe("monthly-budget, for resources it cannot price", () => {
    it("makes prod's verdict unknown at its mandatory level once the alarm is no longer accepted as unpriced", async () => {
      const config = JSON.parse(readFileSync(join(ROOT, "policy/config/prod.json"), "utf8"));
      const { acceptedUnpriced, ...budget } = config["monthly-budget"];
      assert.ok(
        Array.isArray(acceptedUnpriced) && acceptedUnpriced.length > 0,
        "prod accepts its alarm today",
      );
      config["monthly-budget"] = budget;
      const dir = mkdtempSync(join(tmpdir(), "preview-"));
      temps.push(dir);
      writeFileSync(join(dir, "prod.json"), JSON.stringify(config));
      const report = await runJson(["--stack", "prod", "--policy-config", join(dir, "prod.json")], 1);
      const found = report.stacks[0].policy.violations.filter((v) => v.policyName === "monthly-budget");
      assert.equal(found.length, 1, JSON.stringify(report.stacks[0].policy.violations, null, 1));
      assert.equal(found[0].enforcementLevel, "mandatory");
      assert.equal(found[0].resourceName, "ml-platform-prod-endpoint-5xx-rollback");
      assert.match(
        found[0].message,
        /monthly cost is unknown: aws:cloudwatch\/metricAlarm:MetricAlarm has no cost model/,
      );
    });
  });

  describe("usage and setup errors exit 2 with a clear message", () => {
    it("a stack config with no scale-in cooldown is rejected by the program's config validation", async () => {
      const dir = tempProject("dev", (doc) =>
        doc.deleteIn(["config", "ml-platform:endpoint", "scaleInCooldownSeconds"]),
      );
      temps.push(dir);
      const report = await runJson(["--stack", "dev", "--config-file", join(dir, "Pulumi.dev.yaml")], 2);
      assert.equal(report.stacks[0].status, "config-error");
      assert.equal(report.stacks[0].error?.kind, "config");
      assert.match(report.stacks[0].error?.message ?? "", /scaleInCooldownSeconds/);
      assert.equal(report.stacks[0].resources.filter((r) => r.custom).length, 0, "nothing registered");
    });

    it("an unknown stack", async () => {
      const run = await runPreviewCli(["--stack", "staging"]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(
        run.stderr,
        /unknown stack "staging": no Pulumi\.staging\.yaml in .* \(stacks: dev, prod\)/,
      );
    });

    it("a stack file that is not valid YAML", async () => {
      const dir = mkdtempSync(join(tmpdir(), "preview-"));
      temps.push(dir);
      copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
      writeFileSync(
        join(dir, "Pulumi.dev.yaml"),
        "config:\n  ml-platform:endpoint: {instanceType: ml.m5.large\n",
      );
      const run = await runPreviewCli(["--project-dir", dir, "--program", join(ROOT, "index.ts")]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stdout, /error: stack dev: invalid configuration/);
      assert.match(run.stdout, /Pulumi\.dev\.yaml is not valid YAML/);
    });

    it("invalid config values: the program's own message, naming the key", async () => {
      const dir = tempProject("dev", (doc) =>
        doc.setIn(["config", "ml-platform:endpoint", "minCapacity"], 5),
      );
      temps.push(dir);
      const run = await runPreviewCli(["--stack", "dev", "--config-file", join(dir, "Pulumi.dev.yaml")]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stdout, /error: stack dev: invalid configuration/);
      assert.match(run.stdout, /minCapacity/);
    });

    it("a program error prints the program's message, not the harness's stack trace", async () => {
      const dir = mkdtempSync(join(tmpdir(), "preview-"));
      temps.push(dir);
      writeFileSync(join(dir, "Pulumi.yaml"), "name: ml-platform\nruntime: nodejs\n");
      writeFileSync(
        join(dir, "Pulumi.t.yaml"),
        "config:\n  aws:region: us-east-1\n  ml-platform:mode: throw\n",
      );
      const run = await runPreviewCli([
        "--project-dir",
        dir,
        "--program",
        join(PROGRAMS, "modes", "index.ts"),
        "--no-policy",
      ]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stdout, /error: stack t: the program failed\n {4}the program broke on purpose/);
      assert.match(run.stdout, /modes[/\\]index\.ts:\d+/);
      assert.doesNotMatch(run.stdout + run.stderr, /program-runner|node_modules|cli\.ts/);
    });

    it("a policy pack that fails to load", async () => {
      const report = await runJson(
        ["--stack", "dev", "--policy-pack", join(__dirname, "fixtures", "broken-pack")],
        2,
      );
      assert.equal(report.policyPack.status, "failed");
      if (report.policyPack.status === "failed") assert.match(report.policyPack.message, /broken on purpose/);
      assert.equal(report.stacks[0].status, "policy-error");
    });

    it("an unknown option", async () => {
      const run = await runPreviewCli(["--stacks", "dev"]);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, /error: Unknown option '--stacks'/);
      assert.match(run.stderr, /Usage: npm run preview/);
    });
  });
});
