/**
 * No security-group ingress from the whole internet (compliance-policies, cdk-nag EC23), on every path that adds
 * ingress: inline `SecurityGroup.ingress`, `aws.ec2.SecurityGroupRule` of type ingress, and
 * `aws.vpc.SecurityGroupIngressRule`. "The whole internet" is any CIDR with a /0 prefix (`0.0.0.0/0`, `::/0`, and
 * equivalent spellings such as `10.0.0.0/0` or `0::/0`, which AWS accepts as the same range), and ranges so wide
 * that they only split it into pieces (`0.0.0.0/1` + `128.0.0.0/1`).
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType, type ResourceRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** True when a CIDR covers every address of its family: a /0 prefix, whatever the address part says. */
export function isWorldCidr(cidr: unknown): boolean {
  return prefixLength(cidr)?.length === 0;
}

function prefixLength(cidr: unknown): { length: number; ipv6: boolean } | undefined {
  if (typeof cidr !== "string") return undefined;
  const match = /^\s*([0-9a-f:.]+)\s*\/\s*(\d{1,3})\s*$/i.exec(cidr);
  if (!match) return undefined;
  return { length: Number(match[2]), ipv6: match[1].includes(":") };
}

/**
 * How a source CIDR opens the group to the internet, or undefined when it does not: any /0, and ranges so wide
 * they can only be a way around the /0 check (IPv4 shorter than /8, such as `0.0.0.0/1` + `128.0.0.0/1`; IPv6
 * shorter than /16, such as `2000::/3`, all global unicast).
 */
export function publicExposure(cidr: unknown): string | undefined {
  const prefix = prefixLength(cidr);
  if (!prefix) return undefined;
  if (prefix.length === 0) return "the whole internet";
  if (prefix.length < (prefix.ipv6 ? 16 : 8)) {
    return `a /${prefix.length} range, 1/${2 ** prefix.length} of every ${prefix.ipv6 ? "IPv6" : "IPv4"} address`;
  }
  return undefined;
}

interface Config {
  readonly allowedPublicPorts: readonly number[];
}

interface PortRange {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

/** All protocols ("-1"/"all") or a range that is not inside one allowed port is not excused. */
function excused(range: PortRange, allowed: readonly number[]): boolean {
  const protocol = String(range.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return false;
  if (range.fromPort === undefined || range.toPort === undefined) return false;
  return range.fromPort === range.toPort && allowed.includes(range.fromPort);
}

function describePorts(range: PortRange): string {
  const protocol = String(range.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return "all traffic";
  if (range.fromPort === range.toPort) return `${protocol} port ${range.fromPort}`;
  return `${protocol} ports ${range.fromPort}-${range.toPort}`;
}

const FIX =
  "restrict the source to the VPC CIDR, a prefix list or a source security group, or use SSM Session Manager " +
  "instead of opening SSH";

function checkCidrList(
  property: string,
  list: unknown,
  range: PortRange,
  ctx: ResourceRuleContext<Config>,
): void {
  if (!Array.isArray(list)) return;
  list.forEach((cidr, j) => {
    const exposure = publicExposure(cidr);
    if (!exposure || excused(range, ctx.config.allowedPublicPorts)) return;
    ctx.report({
      property: `${property}[${j}]`,
      problem: `is ${JSON.stringify(cidr)}: ${describePorts(range)} open to ${exposure}`,
      fix: FIX,
    });
  });
}

export const sgNoPublicIngress = defineResourcePolicy<Config>({
  name: "sg-no-public-ingress",
  family: "security-group",
  description:
    "Security groups must not allow ingress from 0.0.0.0/0 or ::/0 (any /0 range, or a range wider than /8 for " +
    "IPv4 or /16 for IPv6).",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Restrict ingress to the VPC CIDR, a managed prefix list or a source security group " +
    "(referencedSecurityGroupId). For shell access use SSM Session Manager, which needs no inbound rule. A port " +
    "that must be public (443 on a load balancer) can be listed in the policy's allowedPublicPorts config.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "An unknown CIDR or rule list could be 0.0.0.0/0, so it is reported; reference a source security group " +
      "or a prefix list instead of a computed CIDR.",
  },
  checks: [
    "`aws.ec2.SecurityGroup` and `aws.ec2.DefaultSecurityGroup`: every inline `ingress[].cidrBlocks` and `ingress[].ipv6CidrBlocks`.",
    '`aws.ec2.SecurityGroupRule` with `type: "ingress"`: `cidrBlocks` and `ipv6CidrBlocks`.',
    "`aws.vpc.SecurityGroupIngressRule`: `cidrIpv4` and `cidrIpv6`.",
    "A CIDR is public when its prefix length is 0, whatever the address part (AWS accepts `1.2.3.4/0`), and when " +
      "it is wider than /8 (IPv4) or /16 (IPv6), which only serves to split the internet in pieces " +
      "(`0.0.0.0/1` + `128.0.0.0/1`, `2000::/3`).",
    "Single ports listed in `allowedPublicPorts` are excused; all-traffic rules and port ranges never are.",
  ],
  config: {
    allowedPublicPorts: {
      type: "array",
      items: { type: "integer", minimum: 0, maximum: 65535 },
      default: [],
      description:
        "Single TCP/UDP ports that may be open to the internet (for example 443 on a load balancer).",
    },
  },
  rules: [
    // The VPC's default group carries inline ingress rules with the same shape as any other group.
    ...[AWS_TYPES.ec2SecurityGroup, AWS_TYPES.ec2DefaultSecurityGroup].map((type) =>
      onType<aws.ec2.SecurityGroupArgs | aws.ec2.DefaultSecurityGroupArgs, Config>(type, (sg, ctx) => {
        const ingress = ctx.probeDeep("ingress", () => sg.ingress as Record<string, unknown>[] | undefined);
        if (!ingress.known) return ctx.failClosed(ingress, "an unknown rule could admit 0.0.0.0/0");
        (ingress.value ?? []).forEach((rule, i) => {
          const range = rule as unknown as PortRange;
          checkCidrList(`ingress[${i}].cidrBlocks`, rule?.cidrBlocks, range, ctx);
          checkCidrList(`ingress[${i}].ipv6CidrBlocks`, rule?.ipv6CidrBlocks, range, ctx);
        });
      }),
    ),
    onType<aws.ec2.SecurityGroupRuleArgs, Config>(AWS_TYPES.ec2SecurityGroupRule, (rule, ctx) => {
      const type = ctx.probe("type", () => rule.type);
      if (!type.known) return ctx.failClosed(type, "an unknown rule type could be ingress");
      if (type.value !== "ingress") return;
      const plain = ctx.probeDeep("cidrBlocks", () => ({
        protocol: rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        cidrBlocks: rule.cidrBlocks,
        ipv6CidrBlocks: rule.ipv6CidrBlocks,
      }));
      if (!plain.known) return ctx.failClosed(plain, "an unknown CIDR could be 0.0.0.0/0");
      const range = plain.value as PortRange;
      checkCidrList("cidrBlocks", plain.value.cidrBlocks, range, ctx);
      checkCidrList("ipv6CidrBlocks", plain.value.ipv6CidrBlocks, range, ctx);
    }),
    onType<aws.vpc.SecurityGroupIngressRuleArgs, Config>(
      AWS_TYPES.vpcSecurityGroupIngressRule,
      (rule, ctx) => {
        for (const property of ["cidrIpv4", "cidrIpv6"] as const) {
          const cidr = ctx.probe(property, () => rule[property]);
          if (!cidr.known) {
            ctx.failClosed(cidr, "an unknown CIDR could be 0.0.0.0/0");
            continue;
          }
          const range = {
            protocol: rule.ipProtocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
          } as PortRange;
          const exposure = publicExposure(cidr.value);
          if (!exposure || excused(range, ctx.config.allowedPublicPorts)) continue;
          ctx.report({
            property,
            problem: `is ${JSON.stringify(cidr.value)}: ${describePorts(range)} open to ${exposure}`,
            fix: FIX,
          });
        }
      },
    ),
  ],
});

/** Security-group hardening, advisory by default (mandatory in policy/config/prod.json). */
export const securityGroupPolicies = [sgNoPublicIngress];
