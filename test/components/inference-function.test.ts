import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction, type InferenceFunctionArgs } from "@ml-platform/components";
import { policyDocument, runWithMocks, type MockRun } from "../support/mock-components";
import { assertOnlyChildren, assertRejected } from "../support/captured-assertions";
import { CHILDREN, TYPES as T } from "../support/type-tokens";

/** Pulumi's wire-format signatures (sdk/nodejs/runtime/rpc.ts) of an archive and an asset. */
const WIRE_SIGNATURE = "4dabf18193072939515e22adb298388d";
const WIRE_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7";
const WIRE_ASSET = "c44067f5952c0a294b673a41bacd8c17";

const ENDPOINT_ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-platform-test-endpoint-aa0718b8";

describe("InferenceFunction", () => {
  let codeDirectory: string;
  let emptyDirectory: string;
  let run: MockRun;

  function args(overrides: Partial<InferenceFunctionArgs> = {}): InferenceFunctionArgs {
    return {
      endpointName: "ml-platform-test-endpoint-aa0718b8",
      endpointArn: ENDPOINT_ARN,
      allowedImageHosts: ["images.dog.ceo", ".wikimedia.org"],
      memoryMb: 512,
      timeoutSeconds: 30,
      reservedConcurrency: 20,
      provisionedConcurrency: 3,
      logRetentionDays: 90,
      codeDirectory,
      ...overrides,
    };
  }

  before(async () => {
    codeDirectory = mkdtempSync(join(tmpdir(), "inference-bundle-"));
    writeFileSync(join(codeDirectory, "index.mjs"), "export const handler = async () => ({});\n");
    emptyDirectory = mkdtempSync(join(tmpdir(), "inference-empty-"));
    run = await runWithMocks(() => new InferenceFunction("ml-platform-test-inference", args()));
    assert.equal(run.error, undefined, String(run.error));
  });
  after(() => {
    rmSync(codeDirectory, { recursive: true, force: true });
    rmSync(emptyDirectory, { recursive: true, force: true });
  });

  it("parents every child to the component", () => {
    assertOnlyChildren(run, T.functionComponent, CHILDREN[T.functionComponent]!);
  });

  it("deploys the bundle as nodejs22.x with index.handler, published, with reserved concurrency", () => {
    const fn = run.one(T.fn);
    assert.equal(fn.inputs.name, "ml-platform-test-inference");
    assert.equal(fn.inputs.runtime, "nodejs22.x");
    assert.equal(fn.inputs.handler, "index.handler");
    assert.equal(fn.inputs.publish, true);
    assert.equal(fn.inputs.memorySize, 512);
    assert.equal(fn.inputs.timeout, 30);
    assert.equal(fn.inputs.reservedConcurrentExecutions, 20);
    assert.deepEqual(fn.inputs.architectures, ["x86_64"]);
    // The archive as the engine receives it (Pulumi's wire form): one file asset, index.mjs, from the code directory.
    const archive = fn.inputs.code as { assets: Record<string, { path: string }> };
    assert.equal((archive as Record<string, unknown>)[WIRE_SIGNATURE], WIRE_ARCHIVE);
    assert.deepEqual(Object.keys(archive.assets), ["index.mjs"]);
    assert.equal((archive.assets["index.mjs"] as Record<string, unknown>)[WIRE_SIGNATURE], WIRE_ASSET);
    assert.equal(archive.assets["index.mjs"]!.path, join(codeDirectory, "index.mjs"));
  });

  it("sets ENDPOINT_NAME and ALLOWED_IMAGE_HOSTS for the handler", () => {
    const env = (run.one(T.fn).inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.ENDPOINT_NAME, "ml-platform-test-endpoint-aa0718b8");
    assert.equal(env.ALLOWED_IMAGE_HOSTS, "images.dog.ceo,.wikimedia.org");
    assert.equal(env.INVOKE_TIMEOUT_MS, undefined);
  });

  it("creates /aws/lambda/<function name> with retention before the function, and logs there", () => {
    const logGroup = run.one(T.logGroup);
    assert.equal(logGroup.inputs.name, "/aws/lambda/ml-platform-test-inference");
    assert.equal(logGroup.inputs.retentionInDays, 90);
    const fn = run.one(T.fn);
    assert.deepEqual(fn.inputs.loggingConfig, {
      logFormat: "JSON",
      logGroup: "/aws/lambda/ml-platform-test-inference",
    });
    assert.ok(fn.dependencies.includes(logGroup.urn));
  });

  it("grants only InvokeEndpoint on the endpoint ARN and log writes on its own group", () => {
    const doc = policyDocument(run.one(T.rolePolicy));
    assert.deepEqual(doc.Statement, [
      {
        Sid: "InvokeOneEndpoint",
        Effect: "Allow",
        Action: ["sagemaker:InvokeEndpoint"],
        Resource: [ENDPOINT_ARN],
      },
      {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${run.one(T.logGroup).outputs.arn}:*`],
      },
    ]);
    assert.deepEqual(policyDocument(run.one(T.role), "assumeRolePolicy").Statement[0], {
      Sid: "AssumedByService",
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: ["sts:AssumeRole"],
    });
  });

  it("makes the function depend on its role's policy (IAM propagation)", () => {
    assert.ok(run.one(T.fn).dependencies.includes(run.one(T.rolePolicy).urn));
    assert.equal(run.one(T.fn).inputs.role, run.one(T.role).outputs.arn);
  });

  it("points the alias at the published version and puts provisioned concurrency on the alias", () => {
    const fn = run.one(T.fn);
    const alias = run.one(T.alias);
    const pc = run.one(T.pc);
    assert.equal(alias.inputs.functionVersion, fn.outputs.version);
    assert.notEqual(alias.inputs.functionVersion, "$LATEST");
    assert.equal(alias.inputs.name, "live");
    assert.equal(pc.inputs.qualifier, "live");
    assert.notEqual(pc.inputs.qualifier, "$LATEST");
    assert.deepEqual(pc.propertyDependencies.qualifier, [alias.urn]);
    assert.equal(pc.inputs.provisionedConcurrentExecutions, 3);
    assert.equal(pc.inputs.functionName, "ml-platform-test-inference");
  });

  it("creates no provisioned concurrency config when provisionedConcurrency is 0", async () => {
    const none = await runWithMocks(() => new InferenceFunction("fn", args({ provisionedConcurrency: 0 })));
    assert.equal(none.ofType(T.pc).length, 0);
    assert.equal(none.ofType(T.alias).length, 1);
  });

  it("leaves reserved concurrency unset unless given, and then bounds provisioned concurrency by nothing", async () => {
    // Reserving any amount fails while the account's quota is below 100 + the reservation (new accounts start
    // lower), so an unset reservation must reach Lambda as unset, and provisioned concurrency stays allowed.
    const unreserved = await runWithMocks(
      () =>
        new InferenceFunction(
          "ml-platform-test-unreserved",
          args({ reservedConcurrency: undefined, provisionedConcurrency: 12 }),
        ),
    );
    assert.equal(unreserved.error, undefined, String(unreserved.error));
    assert.equal("reservedConcurrentExecutions" in unreserved.one(T.fn).inputs, false);
    assert.equal(unreserved.one(T.pc).inputs.provisionedConcurrentExecutions, 12);
  });

  it("fails before creating anything when the bundle is missing, saying to run npm run build", async () => {
    const failed = await runWithMocks(
      () => new InferenceFunction("fn", args({ codeDirectory: emptyDirectory })),
    );
    assert.ok(pulumi.InputPropertiesError.isInstance(failed.error));
    assert.match(
      (failed.error as Error).message,
      /codeDirectory: the inference function bundle .*index\.mjs does not exist: run `npm run build` first/,
    );
    assert.deepEqual(failed.resources, []);
  });

  describe("validation", () => {
    const cases: [string, Partial<InferenceFunctionArgs>, string, RegExp][] = [
      [
        "provisioned > reserved",
        { reservedConcurrency: 2, provisionedConcurrency: 3 },
        "provisionedConcurrency",
        /≤ reservedConcurrency \(2\)/,
      ],
      [
        "reserved 0 (disables the function)",
        { reservedConcurrency: 0 },
        "reservedConcurrency",
        /integer ≥ 1/,
      ],
      ["memory below 128", { memoryMb: 64 }, "memoryMb", /128 to 10240/],
      ["timeout above 900", { timeoutSeconds: 901 }, "timeoutSeconds", /1 to 900/],
      [
        "timeout shorter than the invoke deadline",
        { timeoutSeconds: 10 },
        "timeoutSeconds",
        /deadline \(10000 ms\)/,
      ],
      ["no hosts", { allowedImageHosts: [] }, "allowedImageHosts", /at least one/],
      ["an IP host", { allowedImageHosts: ["10.0.0.1"] }, "allowedImageHosts[0]", /IP address/],
      ["a bare TLD", { allowedImageHosts: [".com"] }, "allowedImageHosts[0]", /two labels/],
      [
        "a comma inside an entry",
        { allowedImageHosts: ["a.example.com,b.example.com"] },
        "allowedImageHosts[0]",
        /comma/,
      ],
      [
        "retention not offered by CloudWatch",
        { logRetentionDays: 10 },
        "logRetentionDays",
        /retention value/,
      ],
      ["unknown architecture", { architecture: "riscv" as never }, "architecture", /x86_64/],
      ["bad function name", { functionName: "my function" }, "functionName", /Lambda function name/],
    ];
    it("rejects a component name too long for the role's auto-name (IAM's 64 characters)", async () => {
      // The function name may be 64 characters, but `<name>-role-<7 hex>` must fit IAM's 64 too.
      const failed = await runWithMocks(() => new InferenceFunction("f".repeat(52), args()));
      assert.match(
        String((failed.error as Error).message),
        /name: "f+" can't prefix IAM role names: .* at most 51 characters/,
      );
      assert.deepEqual(failed.resources, []);
      const ok = await runWithMocks(() => new InferenceFunction("f".repeat(51), args()));
      assert.equal(ok.error, undefined, String(ok.error));
      assert.equal(String(ok.one(T.role).outputs.name).length, 64);
    });
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}`, async () => {
        const failed = await runWithMocks(() => new InferenceFunction("fn", args(overrides)));
        assertRejected(failed, property, reason);
      });
    }
  });

  it("encrypts the log group, with encryptLogs, with a rotating key only CloudWatch Logs may use for it", async () => {
    assert.equal(run.one(T.logGroup).inputs.kmsKeyId, undefined);
    assert.equal(run.ofType(T.key).length, 0);
    const encrypted = await runWithMocks(
      () =>
        new InferenceFunction("ml-platform-test-inference", args({ encryptLogs: true, protectLogKey: true })),
    );
    assert.equal(encrypted.error, undefined, String(encrypted.error));
    const key = encrypted.one(T.key);
    const group = encrypted.one(T.logGroup);
    assert.equal(group.inputs.kmsKeyId, key.outputs.arn);
    assert.deepEqual([key.inputs.enableKeyRotation, key.options.protect], [true, true]);
    const statements = policyDocument(key).Statement;
    const logs = statements.find((st) => st.Sid === "CloudWatchLogsUse")!;
    // The service and condition AWS documents for a log group's key (encrypt-log-data-kms.html).
    assert.deepEqual((logs as { Principal?: unknown }).Principal, {
      Service: "logs.us-east-1.amazonaws.com",
    });
    assert.deepEqual(logs.Condition, {
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": [
          "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/ml-platform-test-inference",
        ],
      },
    });
    const admin = statements.find((st) => st.Sid === "EnableIamPolicies")!;
    assert.deepEqual((admin as { Principal?: unknown }).Principal, { AWS: "arn:aws:iam::123456789012:root" });
    // The existing children keep their URNs.
    for (const r of run.resources)
      assert.ok(
        encrypted.resources.some((e) => e.urn === r.urn),
        r.urn,
      );
  });
});
