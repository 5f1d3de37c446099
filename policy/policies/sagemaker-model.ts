/**
 * SageMaker model network isolation (Checkov CKV_AWS_370, AWS Config sagemaker-model-isolation-enabled): the
 * inference container gets no network access at all, so model code, or a dependency it loads, cannot call out
 * with the data it is given or fetch something at start-up. SageMaker still downloads the model artifact and the
 * image itself (https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html).
 *
 * A model whose code must install packages at start-up (a `code/requirements.txt` in the artifact) needs the
 * network: exempt it with the reason, by tag or policy config.
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, exemptionTagKey, onType } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const NAME = "sagemaker-model-network-isolation";

export const sagemakerModelNetworkIsolation = defineResourcePolicy({
  name: NAME,
  family: "sagemaker-model",
  description:
    "SageMaker models must set enableNetworkIsolation to true, unless exempted with a written reason (a model " +
    "whose code installs packages at start-up).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set `enableNetworkIsolation: true` on the aws.sagemaker.Model (ScalableEndpoint's default). If the model's " +
    `code must install packages at start-up, package them into the artifact instead, or exempt the model with the tag ` +
    `\`${exemptionTagKey(NAME)}\` = <reason>.`,
  unknownValues: {
    behaviour: "fail-closed",
    detail: "enableNetworkIsolation is a literal; an unknown value could be false, so it is reported.",
  },
  checks: ["`aws.sagemaker.Model` `enableNetworkIsolation` is true (unset means false)."],
  rules: [
    onType<aws.sagemaker.ModelArgs>(AWS_TYPES.sagemakerModel, (model, ctx) => {
      const isolation = ctx.probe("enableNetworkIsolation", () => model.enableNetworkIsolation);
      if (!isolation.known) return ctx.failClosed(isolation, "an unknown flag could be false");
      if (isolation.value === true) return;
      ctx.report({
        property: "enableNetworkIsolation",
        problem: `is ${isolation.value === undefined ? "unset (false)" : JSON.stringify(isolation.value)}: the inference container can reach the network`,
        fix: "set enableNetworkIsolation to true, or exempt the model with the reason it needs the network",
      });
    }),
  ],
});

/** SageMaker model hardening, advisory by default (mandatory in policy/config/prod.json). */
export const sagemakerModelPolicies = [sagemakerModelNetworkIsolation];
