/**
 * End to end: `npm run preview -- --base-json … | --base …` as a child process. The working tree's side is a copy
 * of the project files with Pulumi.prod.yaml switching the endpoint's instance type; the base is the committed
 * project's own `--json` preview. Checked in text, JSON (against the schema) and markdown.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { parseDocument } from "yaml";
import type { ChangePreviewDocument } from "../../../../tools/preview/diff/change-preview";
import { GITHUB_COMMENT_LIMIT } from "../../../../tools/preview/diff/render-markdown";
import { buildOnce, describeRun, ROOT, runPreviewCli } from "../../support/cli";

const schema = JSON.parse(readFileSync(join(ROOT, "tools/preview/preview-output.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

describe("change preview CLI", function () {
  this.timeout(180_000);
  let dir: string;
  let baseJson: string;
  let headArgs: string[];

  before(async () => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), "change-preview-"));
    baseJson = join(dir, "base.json");
    const base = await runPreviewCli(["--json", "--output", baseJson]);
    assert.equal(base.code, 0, describeRun(base));
    const project = join(dir, "project");
    spawnSync("mkdir", [project]);
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) copyFileSync(join(ROOT, f), join(project, f));
    const prod = parseDocument(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    prod.setIn(["config", "ml-platform:endpoint", "instanceType"], "ml.m5.xlarge");
    writeFileSync(join(project, "Pulumi.prod.yaml"), prod.toString());
    headArgs = ["--project-dir", project, "--program", join(ROOT, "index.ts"), "--base-json", baseJson];
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("JSON: endpoint and configuration replaced create-before-delete, function updated, cost up, no mandatory violation", async () => {
    const run = await runPreviewCli([...headArgs, "--json"]);
    assert.equal(run.code, 0, describeRun(run));
    const doc = JSON.parse(run.stdout) as ChangePreviewDocument;
    if (!validate(doc)) assert.fail(JSON.stringify(validate.errors, null, 2));
    const prod = doc.diff.stacks.find((s) => s.stack === "prod")!;
    const op = (name: string) => prod.resources.find((r) => r.name === name);
    assert.equal(op("ml-platform-prod-endpoint")?.operation, "replace");
    assert.equal(op("ml-platform-prod-endpoint")?.replaceOrder, "create-before-delete");
    assert.equal(op("ml-platform-prod-endpoint-config")?.operation, "replace");
    assert.equal(op("ml-platform-prod-endpoint-config")?.replaceOrder, "create-before-delete");
    assert.deepEqual(op("ml-platform-prod-endpoint-config")?.forcedBy, [
      "productionVariants[0].instanceType",
    ]);
    assert.equal(op("ml-platform-prod-inference")?.operation, "update");
    assert.ok(prod.cost.difference.min > 0 && prod.cost.difference.max > prod.cost.difference.min);
    assert.equal(prod.policy.mandatoryAfter, 0);
    assert.deepEqual(prod.policy.added, []);
    assert.equal(doc.diff.stacks.find((s) => s.stack === "dev")?.status, "unchanged");
    assert.equal(doc.diff.exitCode, 0);
    assert.deepEqual(doc.diff.summary.destructive, []);
    // The document is itself a preview report: a later run can use it as its --base-json.
    assert.equal(doc.schemaVersion, 1);
    assert.ok(doc.stacks.every((s) => s.resources.every((r) => r.propertyDependencies && r.computedOutputs)));
  });

  it("text and markdown show the same change", async () => {
    const md = join(dir, "report.md");
    const run = await runPreviewCli([...headArgs, "--markdown-file", md]);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(
      run.stdout,
      /\+- aws:sagemaker:Endpoint\s+ml-platform-prod-endpoint\s+replace \(create-before-delete\)/,
    );
    assert.match(run.stdout, /\+- aws:sagemaker:EndpointConfiguration\s+ml-platform-prod-endpoint-config/);
    assert.match(run.stdout, /~\s+aws:lambda:Function\s+ml-platform-prod-inference\s+update/);
    assert.match(
      run.stdout,
      /productionVariants\[0\]\.instanceType: "ml\.c5\.xlarge" → "ml\.m5\.xlarge"\s+\[forces replacement\]/,
    );
    assert.match(run.stdout, /Monthly cost: .* → .* \(\+\$[\d.]+ to \+\$[\d.]+\)/);
    assert.match(run.stdout, /0 mandatory on the new side/);
    assert.doesNotMatch(run.stdout, /DESTRUCTIVE/);
    const markdown = readFileSync(md, "utf8");
    assert.ok(markdown.length < GITHUB_COMMENT_LIMIT);
    // Updated: the rollback alarm (it names the endpoint), the function and its alias. Replaced: the configuration,
    // the endpoint, the scalable target and the scaling policy. The function's policy grants the endpoint's name
    // prefix, so it does not change.
    assert.match(markdown, /\| prod \| changed \| 0 \| 3 \| 4 \| 0 \|/);
    assert.match(markdown, /\| dev \| unchanged \|/);
    assert.match(markdown, /<details><summary><b>prod<\/b>/);
    assert.match(
      markdown,
      /```diff\n[\s\S]*\+- aws:sagemaker:Endpoint {2}ml-platform-prod-endpoint {2}replace/,
    );
  });

  it("bad base options are usage errors (exit 2) that name the flag", async () => {
    const both = await runPreviewCli(["--base", "HEAD", "--base-json", baseJson]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one base: --base, --base-json/);
    const missing = await runPreviewCli(["--base-json", join(dir, "missing.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--base-json: .*missing\.json not found/);
    const markdown = await runPreviewCli(["--format", "markdown"]);
    assert.equal(markdown.code, 2);
    assert.match(markdown.stderr, /--format markdown needs a base/);
  });

  it("--base <git-ref>: previews the commit in a temporary worktree and removes it afterwards", async () => {
    const worktrees = () => spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" }).stdout;
    const head = () => spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    // HEAD is read before and after: a commit made meanwhile in the checkout moves it.
    const headBefore = head();
    const run = await runPreviewCli(["--base", "HEAD", "--stack", "dev", "--json"]);
    const headAfter = head();
    assert.ok(run.code === 0 || run.code === 1, describeRun(run));
    const doc = JSON.parse(run.stdout) as ChangePreviewDocument;
    const { commit, ...given } = doc.diff.base;
    assert.deepEqual(given, { source: "git", given: "HEAD" });
    assert.ok(
      commit !== undefined && [headBefore, headAfter].includes(commit),
      `${commit} is HEAD (${headBefore}${headAfter === headBefore ? "" : ` or ${headAfter}`})`,
    );
    assert.deepEqual(
      doc.diff.stacks.map((s) => s.stack),
      ["dev"],
    );
    assert.doesNotMatch(worktrees(), /ml-platform-base-/);
  });

  it("--base: Ctrl-C while the base is previewed removes the worktree and stops its processes", async () => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        join(ROOT, "tools/lib/esbuild-register.js"),
        join(ROOT, "tools/preview/cli.ts"),
        "--base",
        "HEAD",
      ],
      { cwd: ROOT, stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    const worktree = () =>
      /ml-platform-base-\w+/.exec(
        spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" }).stdout,
      )?.[0];
    let name: string | undefined;
    for (let i = 0; i < 200 && !name; i++) {
      await new Promise((r) => setTimeout(r, 100));
      name = worktree();
    }
    assert.ok(name, "the worktree appeared");
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    assert.equal(await exited, "SIGINT");
    assert.equal(worktree(), undefined);
    assert.equal(existsSync(join(tmpdir(), name)), false);
    const leftovers = spawnSync("pgrep", ["-f", name], { encoding: "utf8" }).stdout.trim();
    assert.equal(leftovers, "", "no process of the base preview left");
  });
});
