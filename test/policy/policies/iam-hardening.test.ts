import { strict as assert } from "node:assert";
import { iamNoPassroleWildcard } from "@ml-platform/policy/policies/iam-hardening";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution";

/** A least-privilege PassRole grant: one role, only to SageMaker. */
function document(mutate: (s: Record<string, any>) => void = () => undefined) {
  const statement: Record<string, any> = {
    Sid: "PassExecutionRole",
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: EXECUTION_ROLE,
    Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  };
  mutate(statement);
  return { Version: "2012-10-17", Statement: statement };
}

const policy = (doc: unknown) => ({
  type: AWS_TYPES.iamPolicy,
  name: "notebook-pass",
  props: { policy: doc },
});

describe("iam-no-passrole-wildcard", () => {
  it("passes PassRole on a named role, and other actions on *", async () => {
    assert.deepEqual(messages(await runResourcePolicy(iamNoPassroleWildcard, policy(document()))), []);
    const other = document((s) => {
      s.Action = ["s3:GetObject"];
      s.Resource = "*";
    });
    assert.deepEqual(messages(await runResourcePolicy(iamNoPassroleWildcard, policy(other))), []);
  });

  it("catches every spelling of PassRole on every role", async () => {
    const cases: ((s: Record<string, any>) => void)[] = [
      (s) => (s.Resource = "*"),
      (s) => (s.Resource = ["*"]),
      (s) => (s.Resource = "arn:aws:iam::123456789012:role/*"),
      (s) => (s.Resource = "arn:aws-us-gov:iam::*:role/*"),
      (s) => (s.Resource = "arn:aws:iam::*:*"),
      (s) => {
        s.Action = "IAM:passrole";
        s.Resource = "*";
      },
      (s) => {
        s.Action = ["iam:Pass*"];
        s.Resource = "*";
      },
      (s) => {
        s.Action = "iam:*";
        s.Resource = "*";
      },
      (s) => {
        delete s.Action;
        s.NotAction = "iam:CreateUser";
        s.Resource = "*";
      },
      (s) => {
        delete s.Resource;
        s.NotResource = EXECUTION_ROLE;
      },
      (s) => {
        delete s.Resource;
        s.NotResource = []; // excepts nothing: every role
      },
      (s) => {
        delete s.Action;
        s.NotAction = []; // excepts nothing: every action
        s.Resource = "*";
      },
    ];
    for (const mutate of cases) {
      const doc = document(mutate);
      for (const form of [doc, JSON.stringify(doc)]) {
        const result = messages(await runResourcePolicy(iamNoPassroleWildcard, policy(form)));
        assert.equal(result.length, 1, JSON.stringify(doc));
        assert.match(result[0], /policy Statement allows iam:PassRole on/);
      }
    }
  });

  it("checks Role inline policies and RolePolicy, with statement indexes", async () => {
    const wide = {
      Version: "2012-10-17",
      Statement: [document().Statement, document((s) => (s.Resource = "*")).Statement],
    };
    const role = {
      type: AWS_TYPES.iamRole,
      props: { assumeRolePolicy: "{}", inlinePolicies: [{ name: "a", policy: JSON.stringify(wide) }] },
    };
    assert.match(
      messages(await runResourcePolicy(iamNoPassroleWildcard, role))[0],
      /inlinePolicies\[0\].policy Statement\[1\]/,
    );
    const rolePolicy = {
      type: AWS_TYPES.iamRolePolicy,
      props: { role: "r", policy: JSON.stringify(wide) },
    };
    assert.equal(messages(await runResourcePolicy(iamNoPassroleWildcard, rolePolicy)).length, 1);
  });

  it("ignores trust policies, Deny statements and resource policies with a Principal", async () => {
    const deny = document((s) => {
      s.Effect = "Deny";
      s.Resource = "*";
    });
    const withPrincipal = document((s) => {
      s.Principal = { AWS: "arn:aws:iam::123456789012:root" };
      s.Resource = "*";
    });
    for (const d of [deny, withPrincipal]) {
      assert.deepEqual(messages(await runResourcePolicy(iamNoPassroleWildcard, policy(d))), []);
    }
  });

  it("defers on a document unknown during preview", async () => {
    const result = await runResourcePolicy(iamNoPassroleWildcard, policy(unknown.string));
    assert.deepEqual(result.violations, []);
    assert.match(result.deferred ?? "", /during preview/);
  });
});
