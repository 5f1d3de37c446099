import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { scanAwsSurfaces } from "../../../tools/lib/aws-sdk-surfaces";
import { renderSurfacesFile, SURFACES_FILE } from "../../../tools/gen-aws-surfaces";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

describe("tools/lib/aws-sdk-surfaces", () => {
  const scan = scanAwsSurfaces();
  const surfacesOf = (token: string) => scan.resources.find((r) => r.token === token)?.surfaces ?? [];

  it("is generated from the installed @pulumi/aws (aws-facts/coverage/aws-surfaces.generated.ts is fresh)", async () => {
    assert.equal(
      readFileSync(SURFACES_FILE, "utf8"),
      await renderSurfacesFile(),
      "run npm run docs:policies",
    );
  });

  it("finds the compute surfaces a platform team uses to launch instances", () => {
    for (const token of [
      "aws:autoscaling/group:Group",
      "aws:ec2/fleet:Fleet",
      "aws:ec2/spotFleetRequest:SpotFleetRequest",
      AWS_TYPES.ec2SpotInstanceRequest,
      AWS_TYPES.ec2LaunchTemplate,
      AWS_TYPES.ec2Instance,
      AWS_TYPES.sagemakerNotebookInstance,
      AWS_TYPES.sagemakerEndpointConfiguration,
      "aws:sagemaker/domain:Domain",
      "aws:sagemaker/space:Space",
      "aws:sagemaker/app:App",
    ]) {
      assert.ok(surfacesOf(token).includes("compute"), token);
    }
  });

  it("finds the IAM grants, Identity Center's included, and the scaling surfaces", () => {
    for (const token of [
      AWS_TYPES.iamRole,
      AWS_TYPES.iamPolicy,
      AWS_TYPES.iamRolePolicyAttachment,
      AWS_TYPES.iamPolicyAttachment,
      "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
      "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
      "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    ]) {
      assert.ok(surfacesOf(token).includes("iam"), token);
    }
    for (const token of [
      AWS_TYPES.appautoscalingTarget,
      AWS_TYPES.appautoscalingPolicy,
      AWS_TYPES.appautoscalingScheduledAction,
      "aws:autoscaling/schedule:Schedule",
      "aws:autoscaling/group:Group",
    ]) {
      assert.ok(surfacesOf(token).includes("scaling"), token);
    }
  });

  it("leaves out types that do none of it", () => {
    for (const token of [AWS_TYPES.s3BucketV2, AWS_TYPES.cloudwatchLogGroup, AWS_TYPES.ec2SecurityGroup]) {
      assert.deepEqual(surfacesOf(token), [], token);
    }
  });
});
