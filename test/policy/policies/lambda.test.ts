import { strict as assert } from "node:assert";
import {
  lambdaCurrentRuntime,
  lambdaInvokeEndpointScoped,
  lambdaProvisionedNotLatest,
  lambdaProvisionedWithinReserved,
  lambdaReservedConcurrency,
} from "@ml-platform/policy/policies/lambda";
import { messages, runResourcePolicy, runStackPolicy, unknown, urnOf } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const FUNCTION = AWS_TYPES.lambdaFunction;
const PROVISIONED = AWS_TYPES.lambdaProvisionedConcurrencyConfig;
const ENDPOINT_ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/classifier-1a2b3c4";

function fn(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    role: "arn:aws:iam::123456789012:role/inference",
    runtime: "nodejs22.x",
    handler: "index.handler",
    memorySize: 1024,
    timeout: 30,
    publish: true,
    reservedConcurrentExecutions: 20,
  };
  mutate(props);
  return { type: FUNCTION, name: "classify", props };
}

/** The inference function's inline grant: InvokeEndpoint on exactly one endpoint ARN. */
function invokeDocument(mutateStatement: (s: Record<string, any>) => void = () => undefined) {
  const statement: Record<string, any> = {
    Effect: "Allow",
    Action: "sagemaker:InvokeEndpoint",
    Resource: ENDPOINT_ARN,
  };
  mutateStatement(statement);
  return { Version: "2012-10-17", Statement: [statement] };
}

function role(document: unknown) {
  return {
    type: AWS_TYPES.iamRole,
    name: "inference-role",
    props: {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        { name: "invoke", policy: typeof document === "string" ? document : JSON.stringify(document) },
      ],
    },
  };
}

describe("Lambda hardening policies", () => {
  describe("lambda-reserved-concurrency", () => {
    it("passes a reserved count, including 0", async () => {
      assert.deepEqual(messages(await runResourcePolicy(lambdaReservedConcurrency, fn())), []);
      const zero = fn((p) => (p.reservedConcurrentExecutions = 0));
      assert.deepEqual(messages(await runResourcePolicy(lambdaReservedConcurrency, zero)), []);
    });

    it("reports unset and -1", async () => {
      const unset = messages(
        await runResourcePolicy(
          lambdaReservedConcurrency,
          fn((p) => delete p.reservedConcurrentExecutions),
        ),
      );
      assert.match(unset[0], /reservedConcurrentExecutions is unset/);
      const unreserved = messages(
        await runResourcePolicy(
          lambdaReservedConcurrency,
          fn((p) => (p.reservedConcurrentExecutions = -1)),
        ),
      );
      assert.match(unreserved[0], /is -1 \(unreserved\)/);
    });

    it("fails closed on an unknown count", async () => {
      const c = fn((p) => (p.reservedConcurrentExecutions = unknown.number));
      assert.match(messages(await runResourcePolicy(lambdaReservedConcurrency, c))[0], /fails closed/);
    });
  });

  describe("lambda-provisioned-not-latest", () => {
    const config = (qualifier: unknown) => ({
      type: PROVISIONED,
      name: "warm",
      props: { functionName: "classify-1234", qualifier, provisionedConcurrentExecutions: 2 },
    });

    it("passes an alias, reports $LATEST in any case and an empty qualifier", async () => {
      assert.deepEqual(messages(await runResourcePolicy(lambdaProvisionedNotLatest, config("live"))), []);
      for (const q of ["$LATEST", "$latest", ""]) {
        const result = messages(await runResourcePolicy(lambdaProvisionedNotLatest, config(q)));
        assert.equal(result.length, 1, q);
        assert.match(result[0], /qualifier is/);
      }
    });

    it("defers on an alias name that is unknown during preview", async () => {
      const result = await runResourcePolicy(lambdaProvisionedNotLatest, config(unknown.string));
      assert.deepEqual(result.violations, []);
      assert.match(result.deferred ?? "", /during preview/);
    });
  });

  describe("lambda-provisioned-within-reserved", () => {
    const functionUrn = urnOf(FUNCTION, "classify");
    const stack = (reserved: unknown, provisioned: unknown[], link: "dependency" | "name" = "dependency") => [
      {
        type: FUNCTION,
        name: "classify",
        props: {
          ...fn().props,
          name: "classify-1234",
          arn: "arn:aws:lambda:us-east-1:1:function:classify-1234",
          reservedConcurrentExecutions: reserved,
        },
      },
      ...provisioned.map((count, i) => ({
        type: PROVISIONED,
        name: `warm-${i}`,
        props: {
          functionName: "classify-1234",
          qualifier: `alias${i}`,
          provisionedConcurrentExecutions: count,
        },
        propertyDependencies: link === "dependency" ? { functionName: [functionUrn] } : {},
      })),
    ];

    it("passes provisioned ≤ reserved, and functions without reserved concurrency", async () => {
      assert.deepEqual(
        messages(await runStackPolicy(lambdaProvisionedWithinReserved, stack(10, [4, 6]))),
        [],
      );
      assert.deepEqual(
        messages(await runStackPolicy(lambdaProvisionedWithinReserved, stack(undefined, [50]))),
        [],
      );
      assert.deepEqual(messages(await runStackPolicy(lambdaProvisionedWithinReserved, stack(-1, [50]))), []);
    });

    it("reports the sum over aliases above reserved, on each config, matched by dependency or by name", async () => {
      for (const link of ["dependency", "name"] as const) {
        const result = await runStackPolicy(lambdaProvisionedWithinReserved, stack(10, [6, 6], link));
        assert.equal(result.violations.length, 2, link);
        assert.match(
          result.violations[0].message,
          /brings function "classify" to 12 provisioned executions, above its reserved concurrency of 10/,
        );
        assert.equal(result.violations[0].urn, urnOf(PROVISIONED, "warm-0"));
      }
    });

    it("defers when a count is unknown", async () => {
      const result = await runStackPolicy(lambdaProvisionedWithinReserved, stack(10, [unknown.number]));
      assert.match(result.deferred ?? "", /during preview/);
    });
  });

  describe("lambda-invoke-endpoint-scoped", () => {
    it("passes InvokeEndpoint on one specific endpoint ARN", async () => {
      assert.deepEqual(
        messages(await runResourcePolicy(lambdaInvokeEndpointScoped, role(invokeDocument()))),
        [],
      );
    });

    it("reports `*`, endpoint/*, partial wildcards, NotResource and wildcard actions", async () => {
      const cases: [(s: Record<string, any>) => void, RegExp][] = [
        [(s) => (s.Resource = "*"), /allows sagemaker:InvokeEndpoint on "\*"/],
        [(s) => (s.Resource = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*"), /endpoint\/\*/],
        [(s) => (s.Resource = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/class*"), /class\*/],
        [
          (s) => (s.Resource = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/classifier-*-v2"),
          /classifier-\*-v2/,
        ],
        [
          (s) => (s.Resource = "arn:aws:sagemaker:*:123456789012:endpoint/classifier-1a2b3c4"),
          /not a specific/,
        ],
        [(s) => (s.Resource = [ENDPOINT_ARN, "*"]), /on "\*", not a specific endpoint ARN/],
        [
          (s) => {
            delete s.Resource;
            s.NotResource = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/other";
          },
          /NotResource/,
        ],
        [
          (s) => {
            delete s.Resource;
            s.NotResource = [];
          },
          /on NotResource \[\]: every other endpoint/,
        ],
        [
          (s) => {
            s.Action = ["sagemaker:Invoke*"];
            s.Resource = "*";
          },
          /sagemaker:InvokeEndpoint on "\*"/,
        ],
        [
          (s) => {
            s.Action = "SageMaker:InvokeEndpointAsync";
            s.Resource = "*";
          },
          /InvokeEndpointAsync/,
        ],
      ];
      for (const [mutate, pattern] of cases) {
        const result = messages(
          await runResourcePolicy(lambdaInvokeEndpointScoped, role(invokeDocument(mutate))),
        );
        assert.equal(result.length, 1, String(pattern));
        assert.match(result[0], pattern);
        assert.match(result[0], /inlinePolicies\[0\].policy Statement/);
      }
    });

    it("passes one endpoint's name prefix endpoint/<base>-*, which a replacement of the endpoint does not change", async () => {
      const prefix = invokeDocument(
        (s) => (s.Resource = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-platform-prod-endpoint-*"),
      );
      assert.deepEqual(messages(await runResourcePolicy(lambdaInvokeEndpointScoped, role(prefix))), []);
    });

    it("checks aws.iam.Policy and RolePolicy documents, as objects or strings", async () => {
      const wide = invokeDocument((s) => (s.Resource = "*"));
      for (const type of [AWS_TYPES.iamPolicy, AWS_TYPES.iamRolePolicy]) {
        for (const policy of [wide, JSON.stringify(wide)]) {
          const result = messages(
            await runResourcePolicy(lambdaInvokeEndpointScoped, { type, props: { policy } }),
          );
          assert.equal(result.length, 1, type);
        }
      }
    });

    it("ignores Deny statements and grants that do not cover InvokeEndpoint", async () => {
      const deny = invokeDocument((s) => {
        s.Effect = "Deny";
        s.Resource = "*";
      });
      const other = invokeDocument((s) => {
        s.Action = "sagemaker:DescribeEndpoint";
        s.Resource = "*";
      });
      for (const d of [deny, other]) {
        assert.deepEqual(messages(await runResourcePolicy(lambdaInvokeEndpointScoped, role(d))), []);
      }
    });

    it("defers on a document built from an endpoint ARN unknown during preview", async () => {
      const result = await runResourcePolicy(lambdaInvokeEndpointScoped, role(unknown.string));
      assert.deepEqual(result.violations, []);
      assert.match(result.deferred ?? "", /during preview/);
    });
  });

  describe("lambda-current-runtime", () => {
    it("passes current runtimes and container images", async () => {
      for (const runtime of ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", undefined]) {
        const c = fn((p) => (p.runtime = runtime));
        assert.deepEqual(messages(await runResourcePolicy(lambdaCurrentRuntime, c)), [], String(runtime));
      }
    });

    it("reports deprecated runtimes", async () => {
      for (const runtime of ["nodejs20.x", "nodejs18.x", "python3.11", "python3.9", "go1.x", "NODEJS16.X"]) {
        const result = messages(
          await runResourcePolicy(
            lambdaCurrentRuntime,
            fn((p) => (p.runtime = runtime)),
          ),
        );
        assert.equal(result.length, 1, runtime);
        assert.match(result[0], /runtime is ".*", a deprecated runtime/);
      }
    });

    it("uses the configured deprecated list", async () => {
      const config = { deprecatedRuntimes: ["nodejs22.x"] };
      assert.equal(messages(await runResourcePolicy(lambdaCurrentRuntime, fn(), { config })).length, 1);
    });

    it("fails closed on an unknown runtime", async () => {
      const c = fn((p) => (p.runtime = unknown.string));
      assert.match(messages(await runResourcePolicy(lambdaCurrentRuntime, c))[0], /fails closed/);
    });
  });
});
