import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  grantsAction,
  incompleteGrantReason,
  isServiceWideAction,
  isUnboundedResource,
  isWildcardGrant,
  parseIamDocument,
  resourcesFor,
  wildcardGrants,
  wildcardMatches,
  MAX_DOCUMENT_CHARACTERS,
  MAX_STATEMENTS,
  type IamDocument,
} from "@ml-platform/aws-facts/iam-document";
import { newCoverageBudget } from "@ml-platform/aws-facts/arn-shapes";

function parsed(input: unknown): IamDocument {
  const result = parseIamDocument(input);
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return result.document;
}

describe("aws-facts/iam-document", () => {
  describe("parseIamDocument", () => {
    it("normalises a JSON string with a lone statement and string elements", () => {
      const doc = parsed(
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
      );
      assert.equal(doc.version, "2012-10-17");
      assert.equal(doc.statementArray, false);
      assert.deepEqual(doc.statements, [
        {
          index: 0,
          sid: undefined,
          effect: "Allow",
          actions: ["s3:GetObject"],
          notActions: [],
          resources: ["*"],
          notResources: [],
          hasNotAction: false,
          hasNotResource: false,
          hasPrincipal: false,
          hasCondition: false,
        },
      ]);
    });

    it("accepts objects, arrays, element names in any case, and notes principals and conditions", () => {
      const doc = parsed({
        version: "2012-10-17",
        statement: [
          { sid: "A", effect: "deny", notAction: ["iam:*"], notResource: "arn:aws:s3:::b" },
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"], Condition: {} },
        ],
      });
      assert.equal(doc.statements.length, 3);
      assert.equal(doc.statements[0].effect, "Deny");
      assert.equal(doc.statements[0].sid, "A");
      assert.deepEqual(doc.statements[0].notActions, ["iam:*"]);
      assert.deepEqual(doc.statements[0].notResources, ["arn:aws:s3:::b"]);
      assert.equal(doc.statements[1].hasPrincipal, true);
      assert.equal(doc.statements[2].hasCondition, true);
    });

    it("reads every spelling of an element, so a second spelling cannot hide a grant", () => {
      const doc = parsed({
        Statement: { Effect: "Deny", effect: "Allow", Action: "s3:GetObject", action: "*", Resource: "*" },
        statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }],
      });
      assert.equal(doc.statementArray, true);
      assert.equal(doc.statements.length, 2);
      assert.equal(doc.statements[0].effect, "Allow");
      assert.deepEqual(doc.statements[0].actions, ["s3:GetObject", "*"]);
      assert.deepEqual(
        wildcardGrants(doc).map((g) => g.statement.index),
        [0, 1],
      );
    });

    const malformed: [string, unknown, RegExp][] = [
      ["invalid JSON", '{"Statement": [', /not valid JSON/],
      ["empty string", "  ", /empty string/],
      ["a JSON array", "[]", /must be a JSON object, got an array/],
      ["a number", 42, /must be a JSON object, got number 42/],
      ["null", null, /must be a JSON object, got null/],
      ["no Statement", { Version: "2012-10-17" }, /has no Statement/],
      ["a statement that is a string", { Statement: ["x"] }, /Statement\[0\] must be an object/],
      [
        "a missing Effect",
        { Statement: { Action: "*", Resource: "*" } },
        /Statement\.Effect must be "Allow" or "Deny"/,
      ],
      [
        "an unknown Effect",
        { Statement: [{ Effect: "Permit", Action: "*" }] },
        /Statement\[0\]\.Effect .*"Permit"/,
      ],
      [
        "a numeric Action",
        { Statement: [{ Effect: "Allow", Action: 5 }] },
        /Statement\[0\]\.Action must be a string or an array/,
      ],
      [
        "a non-string Resource item",
        { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: ["a", 1] }] },
        /Resource\[1\] must be a string/,
      ],
      ["a non-string Version", { Version: 2012, Statement: [] }, /Version must be a string/],
    ];
    for (const [what, input, reason] of malformed) {
      it(`reports ${what} as a failure with a reason, never throwing`, () => {
        const result = parseIamDocument(input);
        assert.equal(result.ok, false);
        assert.match(result.ok ? "" : result.reason, reason);
      });
    }

    it("never throws on arbitrary input (property)", () => {
      fc.assert(
        fc.property(fc.oneof(fc.json(), fc.anything(), fc.string()), (input) => {
          const result = parseIamDocument(input);
          assert.equal(typeof result.ok, "boolean");
        }),
        { numRuns: 500 },
      );
    });
  });

  describe("matching", () => {
    it("matches IAM wildcards case-insensitively over the whole string", () => {
      assert.ok(wildcardMatches("s3:Get*", "S3:GETOBJECT"));
      assert.ok(wildcardMatches("iam:?assRole", "iam:PassRole"));
      assert.ok(!wildcardMatches("s3:Get*", "s3:PutObject"));
      assert.ok(!wildcardMatches("s3:GetObject", "s3:GetObjectAcl"));
      assert.ok(wildcardMatches("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x.jpg"));
      assert.ok(!wildcardMatches("a.b", "axb"), "regex metacharacters are literal");
    });

    it("recognises service-wide actions", () => {
      for (const p of [
        "*",
        "*:*",
        "s3:*",
        "S3:*",
        "sagemaker:**",
        "s3:?*",
        "s3*",
        "iam:*",
        "s?:*",
        "*3:*",
        "s3:*?",
        "?3:*",
      ])
        assert.ok(isServiceWideAction(p), p);
      for (const p of ["s3:Get*", "s3:GetObject", "sagemaker:InvokeEndpoint", "iam:*Policy"])
        assert.ok(!isServiceWideAction(p), p);
    });

    it("recognises unbounded resources", () => {
      for (const p of [
        "*",
        "**",
        "arn:*",
        "arn:aws:*",
        "arn:aws:s3:::*",
        "arn:aws:s3:::*/*",
        "arn:aws-cn:sagemaker:*:*:*",
        // Globs match "/" and ":" too, so these reach every resource however they are spelt.
        "a*",
        "arn*",
        "ar?:aws:s3:::*",
        "arn:aws:iam::123456789012:*",
        "arn:aws:iam::*",
        "arn:aws:sagemaker:us-east-1:123456789012:*",
        "arn:aws:s3:::??*",
        "arn:aws:s3:::*?/*",
        "arn:aws:s3:*",
      ]) {
        assert.ok(isUnboundedResource(p), p);
      }
      for (const p of [
        "arn:aws:s3:::bucket/*",
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*",
        "arn:aws:s3:::b",
        "foo",
      ]) {
        assert.ok(!isUnboundedResource(p), p);
      }
    });
  });

  describe("bounded work", () => {
    it("refuses a document larger than IAM accepts, naming the size", () => {
      // Empty statements: the count is checked before any statement is read.
      const statements = Array.from({ length: MAX_STATEMENTS + 1 }, () => ({}));
      const many = parseIamDocument({ Version: "2012-10-17", Statement: statements });
      assert.ok(!many.ok && /too large to check \(1001 statements/.test(many.reason), JSON.stringify(many));
      const long = parseIamDocument(
        JSON.stringify({
          Statement: { Effect: "Allow", Action: "a:b", Resource: "x".repeat(MAX_DOCUMENT_CHARACTERS) },
        }),
      );
      assert.ok(!long.ok && /too large to check \(\d+ characters/.test(long.reason));
    });

    it("reads a document of hostile patterns within one budget, and reads what it cannot decide as unbounded", () => {
      const hostile = Array.from({ length: 200 }, (_, i) => ({
        Effect: "Allow",
        Action: "s3:*",
        Resource: `arn:aws:s3:::*a${"?".repeat(15)}${i}`,
      }));
      const budget = newCoverageBudget();
      const grants = wildcardGrants(parsed({ Statement: hostile }), { coverageBudget: budget });
      assert.equal(budget.remaining, 0);
      assert.equal(grants.length, 200, "every undecided pattern is reported");
      assert.match(grants[199].reason, /too complex to check, so read as every resource/);
    });
  });

  describe("grants", () => {
    it("flags Allow of a service-wide action on every resource, and NotAction / NotResource", () => {
      const doc = parsed({
        Statement: [
          { Effect: "Allow", Action: "s3:*", Resource: "*" },
          { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
          { Effect: "Allow", Action: ["*"], NotResource: ["arn:aws:s3:::secret/*"] },
          { Effect: "Deny", Action: "*", Resource: "*" },
          { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::bucket/*" },
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        ],
      });
      assert.deepEqual(
        wildcardGrants(doc).map((g) => g.statement.index),
        [0, 1, 2],
      );
      assert.match(wildcardGrants(doc)[1].reason, /NotAction \["iam:\*"\]/);
      assert.ok(!isWildcardGrant(doc.statements[3]), "Deny grants nothing");
    });

    it("treats statements with a Principal (trust and resource policies) as non-grants", () => {
      const doc = parsed({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });
      assert.deepEqual(wildcardGrants(doc), []);
    });

    it("reads a Principal in an identity policy (where IAM rejects it) as no exemption", () => {
      const doc = parsed({
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
          { Effect: "Allow", NotPrincipal: { AWS: "x" }, Action: "iam:PassRole", Resource: "*" },
        ],
      });
      assert.deepEqual(
        wildcardGrants(doc, { identityPolicy: true }).map((g) => g.statement.index),
        [0],
      );
      assert.ok(grantsAction(doc, "iam:PassRole", { identityPolicy: true }));
      assert.ok(!grantsAction(doc, "iam:PassRole"));
    });

    it("reads an empty NotAction / NotResource list as every action / every resource", () => {
      const doc = parsed({
        Statement: [
          { Effect: "Allow", NotAction: [], Resource: "*" },
          { Effect: "Allow", Action: "s3:*", NotResource: [] },
          { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        ],
      });
      assert.equal(doc.statements[0].hasNotAction, true);
      assert.equal(doc.statements[1].hasNotResource, true);
      assert.equal(doc.statements[2].hasNotAction, false);
      assert.deepEqual(
        wildcardGrants(doc).map((g) => g.statement.index),
        [0, 1],
      );
      assert.ok(grantsAction(doc, "iam:PassRole"), "NotAction [] covers iam:PassRole");
      assert.equal(resourcesFor(doc, "s3:DeleteBucket").unbounded, true);
    });

    it("names what an incomplete Allow statement lacks", () => {
      const [noAction, noResource, neither, emptyLists, deny, complete] = parsed({
        Statement: [
          { Effect: "Allow", Resource: "*" },
          { Effect: "Allow", Action: "*" },
          { Effect: "Allow" },
          { Effect: "Allow", Action: [], Resource: [] },
          { Effect: "Deny", Action: "*" },
          { Effect: "Allow", NotAction: [], NotResource: [] },
        ],
      }).statements;
      assert.equal(incompleteGrantReason(noAction), "has no Action or NotAction");
      assert.equal(incompleteGrantReason(noResource), "has no Resource or NotResource");
      assert.equal(
        incompleteGrantReason(neither),
        "has no Action or NotAction and no Resource or NotResource",
      );
      assert.equal(
        incompleteGrantReason(emptyLists),
        "has no Action or NotAction and no Resource or NotResource",
      );
      assert.equal(incompleteGrantReason(deny), undefined);
      assert.equal(incompleteGrantReason(complete), undefined);
    });

    it("strips a byte-order mark before parsing JSON text", () => {
      const doc = parsed(
        `\uFEFF${JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })}`,
      );
      assert.equal(wildcardGrants(doc).length, 1);
    });

    it("answers grantsAction and resourcesFor, through wildcards and NotAction", () => {
      const endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/dogs";
      const scoped = parsed({
        Statement: [{ Effect: "Allow", Action: "SageMaker:Invoke*", Resource: endpoint }],
      });
      assert.ok(grantsAction(scoped, "sagemaker:InvokeEndpoint"));
      assert.deepEqual(resourcesFor(scoped, "sagemaker:InvokeEndpoint").resources, [endpoint]);
      assert.equal(resourcesFor(scoped, "sagemaker:InvokeEndpoint").unbounded, false);

      const broad = parsed({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] });
      assert.ok(grantsAction(broad, "sagemaker:InvokeEndpoint"));
      assert.equal(resourcesFor(broad, "sagemaker:InvokeEndpoint").unbounded, true);
      assert.ok(!grantsAction(broad, "iam:PassRole"));

      const denied = parsed({ Statement: [{ Effect: "Deny", Action: "sagemaker:*", Resource: "*" }] });
      assert.ok(!grantsAction(denied, "sagemaker:InvokeEndpoint"));
    });
  });

  describe("spelling invariance (property)", () => {
    const actionArb = fc.constantFrom(
      "*",
      "*:*",
      "s3:*",
      "s3:GetObject",
      "s3:Get*",
      "iam:PassRole",
      "sagemaker:*",
    );
    const resourceArb = fc.constantFrom(
      "*",
      "arn:aws:s3:::*",
      "arn:aws:s3:::b/*",
      "arn:aws:sagemaker:us-east-1:1:endpoint/e",
    );
    const statementArb = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      actions: fc.array(actionArb, { minLength: 1, maxLength: 3 }),
      notAction: fc.boolean(),
      resources: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
    });
    const verdict = (input: unknown) => {
      const result = parseIamDocument(input);
      assert.ok(result.ok);
      return wildcardGrants(result.document).map((g) => g.statement.index);
    };
    const swapCase = (text: string, upper: boolean) => (upper ? text.toUpperCase() : text.toLowerCase());

    it("gives the same verdict for a document as a string or an object, in any case, with lists or lone strings", () => {
      fc.assert(
        fc.property(
          fc.array(statementArb, { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          (statements, upper) => {
            const canonical = {
              Version: "2012-10-17",
              Statement: statements.map((s) => ({
                Effect: s.Effect,
                [s.notAction ? "NotAction" : "Action"]: s.actions,
                Resource: s.resources,
              })),
            };
            const respelt = {
              version: "2012-10-17",
              statement: statements.map((s) => ({
                effect: swapCase(s.Effect, upper),
                [s.notAction ? "notaction" : "ACTION"]:
                  s.actions.length === 1
                    ? swapCase(s.actions[0], upper)
                    : s.actions.map((a) => swapCase(a, upper)),
                resource: s.resources.length === 1 ? s.resources[0] : s.resources,
              })),
            };
            const expected = verdict(canonical);
            assert.deepEqual(verdict(JSON.stringify(canonical)), expected);
            assert.deepEqual(verdict(respelt), expected);
            assert.deepEqual(verdict(JSON.stringify(respelt)), expected);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
