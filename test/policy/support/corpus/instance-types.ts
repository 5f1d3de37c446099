/**
 * Instance-type messages: a real type with an unusual spelling is judged by its size and family, never called
 * "not an instance type"; a string that cannot be parsed is reported as unparseable, and still fails.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CorpusCase } from "./types";

const NOT_A_TYPE = /not an instance type|unparseable/;

const ec2 = (instanceType: string) => ({
  type: AWS_TYPES.ec2Instance,
  name: "host",
  props: { instanceType, ami: "ami-0123456789abcdef0" },
});
const notebook = (instanceType: string) => ({
  type: AWS_TYPES.sagemakerNotebookInstance,
  name: "explore",
  props: { instanceType, roleArn: "arn:aws:iam::123456789012:role/notebook" },
});

const realTooLarge = (instanceType: string): CorpusCase => ({
  description: `${instanceType} is a real type, reported for its size`,
  policy: "instance-size-ec2",
  resources: [ec2(instanceType)],
  caught: true,
  says: /exceeds the maximum/,
  neverSays: NOT_A_TYPE,
});
const unparseable = (instanceType: string, policy = "instance-size-ec2"): CorpusCase => ({
  description: `${JSON.stringify(instanceType)} is reported as unparseable`,
  policy,
  resources: [policy === "instance-size-ec2" ? ec2(instanceType) : notebook(instanceType)],
  caught: true,
  says: /is unparseable, so its size and family cannot be checked/,
});

export const INSTANCE_TYPE_MESSAGES: readonly CorpusCase[] = [
  realTooLarge("u-6tb1.metal"),
  realTooLarge("u-6tb1.112xlarge"),
  realTooLarge("u-3tb1.56xlarge"),
  realTooLarge("u7i-12tb.224xlarge"),
  realTooLarge("u7inh-32tb.480xlarge"),
  realTooLarge("p6-b200.48xlarge"),
  realTooLarge("mac2-m2pro.metal"),
  realTooLarge("c7i.metal-24xl"),
  {
    description: "ml.u-6tb1.metal on a notebook is a real (if odd) type, reported for its size",
    policy: "instance-size-notebook",
    resources: [notebook("ml.u-6tb1.metal")],
    caught: true,
    says: /exceeds the maximum/,
    neverSays: NOT_A_TYPE,
  },
  unparseable("u-6tb.metal"),
  unparseable("m5.huge"),
  unparseable("m5"),
  unparseable("ml.m5.huge", "instance-size-notebook"),
];
