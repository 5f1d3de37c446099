/**
 * Public SSM parameters that name the current AMI for a training host, chosen by the instance's processor
 * architecture and accelerator. A GPU Deep Learning AMI on a CPU instance is unsupported (its NVIDIA driver has no
 * device to drive, and the image lists only GPU instance types as supported), so CPU hosts get Amazon Linux 2023.
 *
 * Sources:
 * - Deep Learning AMI ids through SSM, `/aws/service/deeplearning/ami/<arch>/<ami name>/latest/ami-id`:
 *   https://docs.aws.amazon.com/dlami/latest/devguide/find-dlami-id.html; the PyTorch GPU AMI on Amazon Linux 2023
 *   and its supported instances (G4dn, G5, G6, G6e, Gr6, P4, P5, ...):
 *   https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-ami-gpu-pytorch-2.7-al2023.html
 * - Amazon Linux 2023 through SSM, `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>`:
 *   https://docs.aws.amazon.com/linux/al2023/ug/ec2.html
 */
import { parseInstanceType, type InstanceType } from "./instance-types";

/** Deep Learning AMI with PyTorch and the NVIDIA driver, Amazon Linux 2023, x86_64 (NVIDIA GPU instances). */
export const DLAMI_PYTORCH_GPU_X86_64 =
  "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id";
/** Amazon Linux 2023, x86_64 (Intel and AMD CPU instances). */
export const AL2023_X86_64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** Amazon Linux 2023, arm64 (Graviton CPU instances). */
export const AL2023_ARM64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

export type CpuArchitecture = "x86_64" | "arm64";

/**
 * The processor architecture of an instance type: `g` as the first attribute letter means AWS Graviton (m7g, c6gn,
 * r7gd, t4g, g5g), everything else is x86_64
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html).
 */
export function cpuArchitecture(instance: InstanceType): CpuArchitecture {
  return instance.attributes.startsWith("g") ? "arm64" : "x86_64";
}

/** What a known AMI parameter path is for; undefined for paths this module does not know. */
export interface AmiParameterKind {
  readonly architecture: CpuArchitecture;
  /** True for an image built for NVIDIA GPUs. */
  readonly gpu: boolean;
}

/**
 * Reads what a public AMI parameter path is built for, from its documented shape: the Deep Learning AMI paths carry
 * the architecture as a segment and `gpu` in the AMI name; the Amazon Linux paths end in the architecture.
 */
export function amiParameterKind(path: string): AmiParameterKind | undefined {
  const dlami = /^\/aws\/service\/deeplearning\/ami\/(x86_64|arm64)\/([^/]+)\//.exec(path);
  if (dlami) return { architecture: dlami[1] as CpuArchitecture, gpu: /(^|-)gpu(-|$)/.test(dlami[2]!) };
  const al = /^\/aws\/service\/ami-amazon-linux-latest\/.*-(x86_64|arm64)$/.exec(path);
  if (al) return { architecture: al[1] as CpuArchitecture, gpu: false };
  return undefined;
}

/**
 * The AMI parameter for an EC2 instance type: the PyTorch GPU Deep Learning AMI for x86_64 NVIDIA GPU types,
 * Amazon Linux 2023 for CPU types. Undefined where no default fits (Graviton GPUs, Inferentia, Trainium, Gaudi,
 * FPGA, or an unparsable type): the caller must name a parameter.
 */
export function defaultAmiParameter(type: string | InstanceType): string | undefined {
  const instance = typeof type === "string" ? parseInstanceType(type) : { ok: true as const, value: type };
  if (!instance.ok) return undefined;
  const architecture = cpuArchitecture(instance.value);
  if (instance.value.accelerator === undefined)
    return architecture === "arm64" ? AL2023_ARM64 : AL2023_X86_64;
  if (
    instance.value.accelerator === "gpu" &&
    architecture === "x86_64" &&
    !instance.value.attributes.includes("a")
  ) {
    return DLAMI_PYTORCH_GPU_X86_64;
  }
  return undefined;
}
