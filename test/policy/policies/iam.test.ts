import { strict as assert } from "node:assert";
import { exemptionTagKey } from "@ml-platform/policy/framework";
import { iamNoFullAccess, iamNoWildcardPermissions } from "@ml-platform/policy/policies/iam";
import { messages, runResourcePolicy, unknown, type ResourceInput } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const ROLE = AWS_TYPES.iamRole;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});
const SCOPED_DOC = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "InvokeOneEndpoint",
      Effect: "Allow",
      Action: ["sagemaker:InvokeEndpoint"],
      Resource: ["arn:aws:sagemaker:us-east-1:123456789012:endpoint/dogs"],
    },
  ],
});

/** The compliant role every case below mutates. */
function compliantRole(): ResourceInput & { props: Record<string, any> } {
  return {
    type: ROLE,
    name: "inference-role",
    props: {
      assumeRolePolicy: TRUST,
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
      inlinePolicies: [{ name: "invoke", policy: SCOPED_DOC }],
      tags: { team: "ml" },
    },
  };
}

describe("policy iam-no-full-access", () => {
  it("passes the compliant role", async () => {
    assert.deepEqual(await runResourcePolicy(iamNoFullAccess, compliantRole()), { violations: [] });
  });

  it("is not applicable to other types", async () => {
    const result = await runResourcePolicy(iamNoFullAccess, { type: AWS_TYPES.s3BucketV2, props: {} });
    assert.ok(result.notApplicable);
  });

  it("reports a FullAccess managed policy on Role.managedPolicyArns, naming the role, index and fix", async () => {
    const role = compliantRole();
    role.props.managedPolicyArns.push("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess");
    const texts = messages(await runResourcePolicy(iamNoFullAccess, role));
    assert.equal(texts.length, 1);
    assert.match(texts[0], /^IAM principals must not get/);
    assert.match(
      texts[0],
      /aws:iam\/role:Role "inference-role": managedPolicyArns\[1\] attaches the AWS-managed policy AmazonSageMakerFullAccess \(partition aws, matches "\*FullAccess\*"\) to role "inference-role"\. Fix: attach a customer-managed policy/,
    );
  });

  const attachmentPaths: [string, string, Record<string, unknown>, RegExp][] = [
    [
      "RolePolicyAttachment",
      AWS_TYPES.iamRolePolicyAttachment,
      { role: "exec" },
      /policyArn .* to role "exec"/,
    ],
    ["UserPolicyAttachment", AWS_TYPES.iamUserPolicyAttachment, { user: "ci" }, /to user "ci"/],
    ["GroupPolicyAttachment", AWS_TYPES.iamGroupPolicyAttachment, { group: "ops" }, /to group "ops"/],
    [
      "PolicyAttachment",
      AWS_TYPES.iamPolicyAttachment,
      { roles: ["exec"], users: ["ci"], groups: ["ops"] },
      /to role "exec", user "ci", group "ops"/,
    ],
  ];
  for (const [label, type, principal, expected] of attachmentPaths) {
    it(`reports AdministratorAccess on ${label}, and passes a scoped policy there`, async () => {
      const bad = {
        type,
        name: "attach",
        props: { ...principal, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      };
      const texts = messages(await runResourcePolicy(iamNoFullAccess, bad));
      assert.equal(texts.length, 1);
      assert.match(texts[0], expected);
      const good = {
        ...bad,
        props: { ...bad.props, policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
      };
      assert.deepEqual((await runResourcePolicy(iamNoFullAccess, good)).violations, []);
    });
  }

  for (const [label, type, principalKey] of [
    ["RolePolicyAttachmentsExclusive", AWS_TYPES.iamRolePolicyAttachmentsExclusive, "roleName"],
    ["UserPolicyAttachmentsExclusive", AWS_TYPES.iamUserPolicyAttachmentsExclusive, "userName"],
    ["GroupPolicyAttachmentsExclusive", AWS_TYPES.iamGroupPolicyAttachmentsExclusive, "groupName"],
  ]) {
    it(`reports each broad entry of ${label}.policyArns`, async () => {
      const result = await runResourcePolicy(iamNoFullAccess, {
        type,
        props: {
          [principalKey]: "p",
          policyArns: [
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::aws:policy/IAMFullAccess",
          ],
        },
      });
      assert.deepEqual(
        messages(result).map((m) => /policyArns\[(\d)\]/.exec(m)?.[1]),
        ["1", "2"],
      );
    });
  }

  it("checks every partition and path", async () => {
    for (const arn of [
      "arn:aws-cn:iam::aws:policy/AmazonSageMakerFullAccess",
      "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
      "arn:aws:iam::aws:policy/service-role/AmazonSageMakerFullAccess",
      "arn:aws:iam::aws:policy/job-function/../PowerUserAccess",
    ]) {
      const role = compliantRole();
      role.props.managedPolicyArns = [arn];
      assert.equal((await runResourcePolicy(iamNoFullAccess, role)).violations.length, 1, arn);
    }
  });

  it("does not flag customer-managed policies by name (their documents are checked instead)", async () => {
    const role = compliantRole();
    role.props.managedPolicyArns = ["arn:aws:iam::123456789012:policy/TeamFullAccess"];
    assert.deepEqual((await runResourcePolicy(iamNoFullAccess, role)).violations, []);
  });

  it("ignores the trust policy, even a broad one", async () => {
    const role = compliantRole();
    role.props.assumeRolePolicy = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*" }],
    });
    assert.deepEqual((await runResourcePolicy(iamNoFullAccess, role)).violations, []);
  });

  it("defers an unknown ARN to `pulumi up`, after reporting the known entries of the same list", async () => {
    const role = compliantRole();
    role.props.managedPolicyArns = [unknown.string, "arn:aws:iam::aws:policy/AdministratorAccess"];
    const result = await runResourcePolicy(iamNoFullAccess, role);
    assert.equal(result.violations.length, 1);
    assert.match(result.deferred ?? "", /managedPolicyArns/);

    const attachment = await runResourcePolicy(iamNoFullAccess, {
      type: AWS_TYPES.iamRolePolicyAttachment,
      props: { role: unknown.string, policyArn: unknown.string },
    });
    assert.deepEqual(attachment.violations, []);
    assert.match(attachment.deferred ?? "", /policyArn/);
  });

  it("names a computed principal generically", async () => {
    const result = await runResourcePolicy(iamNoFullAccess, {
      type: AWS_TYPES.iamRolePolicyAttachment,
      props: { role: unknown.string, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    assert.match(messages(result)[0], /to the role\./);
  });

  it("uses the configured deny list", async () => {
    const role = compliantRole();
    role.props.managedPolicyArns = ["arn:aws:iam::aws:policy/job-function/DataScientist"];
    assert.deepEqual((await runResourcePolicy(iamNoFullAccess, role)).violations, []);
    const strict = await runResourcePolicy(iamNoFullAccess, role, {
      config: { deniedManagedPolicies: ["*FullAccess*", "DataScientist"] },
    });
    assert.equal(strict.violations.length, 1);
  });

  it("leaves service power-user and job-function policies to the deny list (not FullAccess by name)", async () => {
    // Decision: AWSCodeCommitPowerUser and job-function/SystemAdministrator are broad but service- or
    // role-scoped, and not named FullAccess, AdministratorAccess or PowerUserAccess. Teams that want
    // them denied add the names to deniedManagedPolicies.
    const role = compliantRole();
    role.props.managedPolicyArns = [
      "arn:aws:iam::aws:policy/AWSCodeCommitPowerUser",
      "arn:aws-us-gov:iam::aws:policy/job-function/SystemAdministrator",
    ];
    assert.deepEqual((await runResourcePolicy(iamNoFullAccess, role)).violations, []);
    const strict = await runResourcePolicy(iamNoFullAccess, role, {
      config: { deniedManagedPolicies: ["*FullAccess*", "*PowerUser*", "SystemAdministrator"] },
    });
    assert.equal(strict.violations.length, 2);
  });

  it("honours an exemption tag with a reason", async () => {
    const role = compliantRole();
    role.props.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"];
    role.props.tags[exemptionTagKey("iam-no-full-access")] = "break-glass role approved in SEC-42";
    assert.deepEqual((await runResourcePolicy(iamNoFullAccess, role)).violations, []);
  });
});

describe("policy iam-no-wildcard-permissions", () => {
  const docTypes: [string, string][] = [
    ["Policy", AWS_TYPES.iamPolicy],
    ["RolePolicy", AWS_TYPES.iamRolePolicy],
    ["UserPolicy", AWS_TYPES.iamUserPolicy],
    ["GroupPolicy", AWS_TYPES.iamGroupPolicy],
  ];

  /** The messages for a document resource named "p", asserting there is exactly one. */
  async function theOneMessage(type: string, policy: unknown): Promise<string[]> {
    const texts = messages(
      await runResourcePolicy(iamNoWildcardPermissions, { type, name: "p", props: { policy } }),
    );
    assert.equal(texts.length, 1, texts.join("\n"));
    return texts;
  }

  it("passes the compliant role and scoped documents on every document resource", async () => {
    assert.deepEqual(await runResourcePolicy(iamNoWildcardPermissions, compliantRole()), { violations: [] });
    for (const [, type] of docTypes) {
      assert.deepEqual(
        (await runResourcePolicy(iamNoWildcardPermissions, { type, props: { policy: SCOPED_DOC } }))
          .violations,
        [],
      );
    }
  });

  for (const [label, type] of docTypes) {
    it(`reports a wildcard statement in ${label}.policy, naming the statement`, async () => {
      const policy = {
        Version: "2012-10-17",
        Statement: [
          JSON.parse(SCOPED_DOC).Statement[0],
          { Sid: "Oops", Effect: "Allow", Action: "s3:*", Resource: "*" },
        ],
      };
      const texts = messages(
        await runResourcePolicy(iamNoWildcardPermissions, { type, name: "p", props: { policy } }),
      );
      assert.equal(texts.length, 1);
      assert.match(
        texts[0],
        /policy Statement\[1\] \(Sid "Oops"\) allows Action "s3:\*" on Resource "\*", which is FullAccess in effect\. Fix: list the specific actions/,
      );
    });
  }

  it("reports a wildcard in Role.inlinePolicies, naming the index", async () => {
    const role = compliantRole();
    role.props.inlinePolicies.push({
      name: "admin",
      policy: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}',
    });
    const texts = messages(await runResourcePolicy(iamNoWildcardPermissions, role));
    assert.equal(texts.length, 1);
    assert.match(texts[0], /inlinePolicies\[1\]\.policy Statement allows Action "\*" on Resource "\*"/);
  });

  it("reports an Allow statement without Action or Resource, naming what is missing", async () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*" }] };
    const [text] = await theOneMessage(docTypes[0][1], policy);
    assert.match(
      text,
      /"p": policy Statement\[0\] is an Allow that has no Resource or NotResource, which IAM rejects in an identity policy.*Fix: give every Allow statement/,
    );
  });

  it("reads a Principal smuggled into an identity policy as no exemption", async () => {
    const policy = {
      Statement: { Effect: "Allow", Principal: { AWS: "*" }, Action: "iam:*", Resource: "*" },
    };
    const [text] = await theOneMessage(docTypes[1][1], policy);
    assert.match(text, /policy Statement allows Action "iam:\*" on Resource "\*"/);
  });

  it("reports a malformed document instead of passing or crashing", async () => {
    const result = await runResourcePolicy(iamNoWildcardPermissions, {
      type: AWS_TYPES.iamPolicy,
      props: { policy: '{"Statement": [{"Effect": "Allow", "Action": "*"' },
    });
    assert.match(
      messages(result)[0],
      /policy is not a valid IAM policy document \(the document is not valid JSON/,
    );
  });

  it("defers an unknown document, but still reports a known wildcard in a sibling inline policy", async () => {
    const unknownDoc = await runResourcePolicy(iamNoWildcardPermissions, {
      type: AWS_TYPES.iamRolePolicy,
      props: { policy: unknown.string },
    });
    assert.deepEqual(unknownDoc.violations, []);
    assert.match(unknownDoc.deferred ?? "", /can't run policy 'iam-no-wildcard-permissions' during preview/);

    const role = compliantRole();
    role.props.inlinePolicies = [
      { name: "computed", policy: unknown.string },
      { name: "admin", policy: '{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}' },
    ];
    const partly = await runResourcePolicy(iamNoWildcardPermissions, role);
    assert.equal(partly.violations.length, 1);
    assert.ok(partly.deferred);
  });

  it("defers an object document with an unknown nested ARN", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: [unknown.string] }],
    };
    const result = await runResourcePolicy(iamNoWildcardPermissions, {
      type: AWS_TYPES.iamPolicy,
      props: { policy },
    });
    assert.ok(result.deferred);
  });

  describe("partly unknown object documents", () => {
    const withStatements = (...Statement: unknown[]) => ({
      type: AWS_TYPES.iamPolicy,
      props: { policy: { Version: "2012-10-17", Statement } },
    });
    const known = { Effect: "Allow", Action: "*", Resource: "*" };

    it("reports a known wildcard statement beside an unknown one, and defers only the unknown one", async () => {
      const result = await runResourcePolicy(
        iamNoWildcardPermissions,
        withStatements({ Effect: "Allow", Action: "s3:*", Resource: unknown.string }, known),
      );
      assert.equal(result.violations.length, 1);
      assert.match(messages(result)[0], /policy Statement\[1\] allows Action "\*" on Resource "\*"/);
      assert.ok(result.deferred);
    });

    it("decides a statement from its known parts: named actions or bounded resources pass without deferring", async () => {
      const namedActions = await runResourcePolicy(
        iamNoWildcardPermissions,
        withStatements({ Effect: "Allow", Action: ["s3:GetObject"], Resource: unknown.string }),
      );
      assert.deepEqual(namedActions, { violations: [] });
      const boundedResource = await runResourcePolicy(
        iamNoWildcardPermissions,
        withStatements({ Effect: "Allow", Action: unknown.string, Resource: "arn:aws:s3:::bucket/*" }),
      );
      assert.deepEqual(boundedResource, { violations: [] });
      const deny = await runResourcePolicy(
        iamNoWildcardPermissions,
        withStatements({ Effect: "Deny", Action: "*", Resource: "*", Condition: unknown.object }),
      );
      assert.deepEqual(deny, { violations: [] });
    });

    it("reports a statement whose known parts grant everything, whatever its unknown Condition or Sid", async () => {
      const result = await runResourcePolicy(
        iamNoWildcardPermissions,
        withStatements({ Sid: unknown.string, Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
      );
      assert.equal(result.violations.length, 1);
      assert.match(messages(result)[0], /Statement\[0\] allows a service-wide action on every resource/);
      assert.equal(result.deferred, undefined);
    });
  });

  it("does not treat Deny, trust policies or scoped wildcards as grants", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::model-bucket/*" },
      ],
    };
    assert.deepEqual(
      (
        await runResourcePolicy(iamNoWildcardPermissions, {
          type: AWS_TYPES.iamPolicy,
          props: { policy },
        })
      ).violations,
      [],
    );
  });
});
