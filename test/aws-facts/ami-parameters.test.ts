import { strict as assert } from "node:assert";
import {
  AL2023_ARM64,
  AL2023_X86_64,
  amiParameterKind,
  defaultAmiParameter,
  DLAMI_PYTORCH_GPU_X86_64,
} from "@ml-platform/aws-facts/ami-parameters";

describe("aws-facts/ami-parameters", () => {
  it("gives NVIDIA GPU types the PyTorch GPU Deep Learning AMI and CPU types Amazon Linux 2023 of their architecture", () => {
    // The DLAMI supports NVIDIA GPU instances only (G4dn, G5, G6, P4, P5, ...):
    // https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-ami-gpu-pytorch-2.7-al2023.html
    for (const t of ["g4dn.xlarge", "g5.2xlarge", "g6.xlarge", "p4d.24xlarge", "p5.48xlarge"]) {
      assert.equal(defaultAmiParameter(t), DLAMI_PYTORCH_GPU_X86_64, t);
    }
    for (const t of ["m5.xlarge", "c5.large", "t3.medium", "r7i.large"])
      assert.equal(defaultAmiParameter(t), AL2023_X86_64, t);
    // `g` after the generation means Graviton: https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
    for (const t of ["m7g.large", "c6gn.xlarge", "t4g.small"])
      assert.equal(defaultAmiParameter(t), AL2023_ARM64, t);
  });

  it("has no default where neither image fits: other accelerators, Graviton and AMD GPUs", () => {
    for (const t of [
      "inf2.xlarge",
      "trn1.2xlarge",
      "dl1.24xlarge",
      "g5g.xlarge",
      "g4ad.xlarge",
      "nonsense",
    ]) {
      assert.equal(defaultAmiParameter(t), undefined, t);
    }
  });

  it("reads the architecture and GPU build from the documented parameter paths", () => {
    assert.deepEqual(amiParameterKind(DLAMI_PYTORCH_GPU_X86_64), { architecture: "x86_64", gpu: true });
    assert.deepEqual(amiParameterKind(AL2023_ARM64), { architecture: "arm64", gpu: false });
    assert.deepEqual(
      amiParameterKind(
        "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id",
      ),
      { architecture: "x86_64", gpu: true },
    );
    assert.equal(amiParameterKind("/my/own/parameter"), undefined);
  });
});
