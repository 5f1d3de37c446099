import { strict as assert } from "node:assert";
import {
  ARN_SHAPES,
  COVERAGE_WORK_LIMIT,
  coveredShape,
  MAX_COVERAGE_PATTERN_WILDCARDS,
  newCoverageBudget,
  SERVICE_WIDE_SHAPES,
} from "@ml-platform/aws-facts/arn-shapes";

const ROLE = [ARN_SHAPES.iamRole];

describe("aws-facts/arn-shapes", () => {
  it("finds every spelling of 'every role' (IAM's * and ? match / and :)", () => {
    for (const pattern of [
      "arn:aws:iam::123456789012:role/*",
      "arn:aws:iam::123456789012:role/?*",
      "arn:aws:iam::123456789012:role*",
      "arn:aws:iam::123456789012:r?le/*",
      "arn:aws:iam::123456789012:*ole/*",
      "arn:aws:iam::123456789012:*",
      "arn:aws:iam::123456789012:*/*",
      "arn:aws:iam::*:role/*",
      "arn:aws:iam::*ole/*",
      "arn:aws:iam::*",
      "arn:*:iam::*:role/*",
      "arn:aws-cn:iam::123456789012:role/*",
      "arn:aws:iam::12345678901?:role/*",
      "arn:aws:*:role/*",
      "*:role/*",
      "*",
      "a*",
    ]) {
      assert.equal(coveredShape(pattern, ROLE).shape, ARN_SHAPES.iamRole, pattern);
    }
  });

  it("leaves patterns that name a path, a prefix, another kind or one role bounded", () => {
    for (const pattern of [
      "arn:aws:iam::123456789012:role/service-role/*",
      "arn:aws:iam::123456789012:role/app-*",
      "arn:aws:iam::123456789012:role/??*",
      "arn:aws:iam::123456789012:role/exec",
      "arn:aws:iam::123456789012:user/*",
      "arn:aws:iam::*:policy/*",
      "arn:aws:s3:::*",
    ]) {
      const coverage = coveredShape(pattern, ROLE);
      assert.equal(coverage.shape, undefined, pattern);
      assert.equal(coverage.undecided, false);
    }
  });

  it("reads S3's every bucket and every object as service-wide, and endpoint/* as one kind only", () => {
    for (const pattern of ["arn:aws:s3:::*", "arn:aws:s3:::??*", "arn:aws:s3:::*/*", "arn:aws:s3:::*?/?*"]) {
      assert.ok(coveredShape(pattern, SERVICE_WIDE_SHAPES).shape, pattern);
    }
    // Four or more characters miss three-letter buckets, but still cover every object (bucket, slash, key).
    assert.equal(coveredShape("arn:aws:s3:::????*", SERVICE_WIDE_SHAPES).shape, ARN_SHAPES.s3Object);
    assert.equal(coveredShape("arn:aws:s3:::????", SERVICE_WIDE_SHAPES).shape, undefined);
    const endpoints = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*";
    assert.equal(coveredShape(endpoints, SERVICE_WIDE_SHAPES).shape, undefined);
    assert.equal(coveredShape(endpoints, [ARN_SHAPES.sagemakerEndpoint]).shape, ARN_SHAPES.sagemakerEndpoint);
  });

  it("bounds the work on one pattern and answers a hostile one as covering", () => {
    const wild = "arn:aws:iam::" + "*a".repeat(MAX_COVERAGE_PATTERN_WILDCARDS + 1);
    assert.deepEqual(coveredShape(wild, ROLE), { shape: ARN_SHAPES.iamRole, undecided: true, work: 0 });
    const costly = coveredShape("*a" + "?".repeat(15) + "b", SERVICE_WIDE_SHAPES);
    assert.equal(costly.undecided, true);
    assert.ok(costly.work <= COVERAGE_WORK_LIMIT + 64, `${costly.work} steps`);
  });

  it("shares one budget across a document's patterns", () => {
    const budget = newCoverageBudget(COVERAGE_WORK_LIMIT * 2);
    const answers = Array.from({ length: 5 }, (_, i) =>
      coveredShape(`*a${"?".repeat(15)}b${i}`, SERVICE_WIDE_SHAPES, budget),
    );
    assert.equal(budget.remaining, 0);
    assert.ok(answers.every((a) => a.undecided && a.shape !== undefined));
    const spent = answers.reduce((sum, a) => sum + a.work, 0);
    assert.ok(spent <= COVERAGE_WORK_LIMIT * 2 + 128, `${spent} steps`);
  });
});
