import { strict as assert } from "node:assert";
import {
  broadManagedPolicyMatch,
  parseAwsManagedPolicyArn,
} from "@ml-platform/aws-facts/managed-policy-arns";

describe("aws-facts/managed-policy-arns", () => {
  it("parses AWS-managed ARNs in every partition and under paths", () => {
    assert.deepEqual(
      parseAwsManagedPolicyArn("arn:aws-us-gov:iam::aws:policy/service-role/AmazonSageMakerFullAccess"),
      {
        partition: "aws-us-gov",
        path: "service-role/",
        name: "AmazonSageMakerFullAccess",
      },
    );
    assert.equal(
      parseAwsManagedPolicyArn("arn:aws-cn:iam::aws:policy/AdministratorAccess")?.partition,
      "aws-cn",
    );
    assert.equal(parseAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/AdministratorAccess"), undefined);
    assert.equal(parseAwsManagedPolicyArn("AdministratorAccess"), undefined);
  });

  it("matches the broad managed policies only", () => {
    for (const name of [
      "AdministratorAccess",
      "AdministratorAccess-Amplify",
      "PowerUserAccess",
      "IAMFullAccess",
      "AmazonSageMakerFullAccess",
      "AmazonS3FullAccess",
      "AWSLambda_FullAccess",
      "AmazonDynamoDBFullAccesswithDataPipeline",
      "job-function/SystemAdministrator/../AmazonEC2FullAccess",
    ]) {
      assert.ok(broadManagedPolicyMatch(`arn:aws:iam::aws:policy/${name}`), name);
    }
    for (const name of [
      "AmazonS3ReadOnlyAccess",
      "AmazonSSMManagedInstanceCore",
      "service-role/AWSLambdaBasicExecutionRole",
    ]) {
      assert.equal(broadManagedPolicyMatch(`arn:aws:iam::aws:policy/${name}`), undefined, name);
    }
  });
});
