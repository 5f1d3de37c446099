/**
 * The ml-platform policy pack. This is the only module that constructs a PolicyPack: doing so starts the analyzer's
 * gRPC server at once, so tests import `./policies` instead. `npm run build` compiles this file to bin/index.js,
 * which package.json `main` points at, so the CLI's runner loads JavaScript and skips its type-checking ts-node pass.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("ml-platform", {
  description:
    "Guardrails for the ml-platform SageMaker stacks: IAM least privilege, autoscaling scale-in cooldowns, " +
    "instance-size caps and hardening. Reference: docs/policies.md.",
  displayName: "ml-platform guardrails",
  provider: "aws",
  tags: ["aws", "sagemaker", "ml-platform"],
  // Each policy declares its own level (must-have rules mandatory, hardening advisory); config/<stack>.json
  // overrides per environment. This is only the fallback for a policy without one.
  enforcementLevel: "advisory",
  policies: [...allPolicies],
});
