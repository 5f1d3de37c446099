/**
 * Every policy in the pack, in docs order. The pack (policy/index.ts), the docs generator
 * (tools/gen-policy-docs.ts) and the tests all iterate this array, so a policy added here is served, documented
 * and tested. Each family file exports an array named `<family>Policies`; add it with one import and one spread.
 * `withCoverageCheck` appends the rule that reports resource types none of them checks, and
 * `withExemptionTagCheck` the rule that reports exemption tags naming none of these policies.
 */
import { withCoverageCheck } from "./coverage";
import { withExemptionTagCheck } from "./exemptions";
import type { PlatformPolicy } from "../framework";
import { autoscalingPolicies } from "./autoscaling";
import { iamPolicies } from "./iam";
import { instanceSizePolicies } from "./instance-size";
import { notebookPolicies } from "./notebook";
import { ec2Policies } from "./ec2";
import { securityGroupPolicies } from "./security-group";
import { lambdaPolicies } from "./lambda";
import { iamHardeningPolicies } from "./iam-hardening";
import { sagemakerPolicies } from "./sagemaker";
import { s3Policies } from "./s3";
import { protectPolicies } from "./protect";
import { budgetPolicies } from "./budget";
import { capacityPolicies } from "./capacity";
import { kmsPolicies } from "./kms";
import { s3LoggingPolicies } from "./s3-logging";
import { s3VersioningPolicies } from "./s3-versioning";
import { s3TlsPolicies } from "./s3-tls";
import { logsPolicies } from "./logs";
import { sagemakerModelPolicies } from "./sagemaker-model";

export const allPolicies: readonly PlatformPolicy[] = withExemptionTagCheck(
  withCoverageCheck([
    // Must-have rules (mandatory by default).
    ...iamPolicies,
    ...autoscalingPolicies,
    ...instanceSizePolicies,
    // Hardening rules (advisory by default, mandatory in config/prod.json).
    ...notebookPolicies,
    ...ec2Policies,
    ...securityGroupPolicies,
    ...lambdaPolicies,
    ...iamHardeningPolicies,
    ...sagemakerPolicies,
    ...s3Policies,
    ...protectPolicies,
    ...kmsPolicies,
    ...s3LoggingPolicies,
    ...s3VersioningPolicies,
    ...s3TlsPolicies,
    ...logsPolicies,
    ...sagemakerModelPolicies,
    // Cost (advisory by default, mandatory in config/prod.json).
    ...budgetPolicies,
    // Capacity (advisory by default, mandatory in config/prod.json).
    ...capacityPolicies,
  ]),
);
