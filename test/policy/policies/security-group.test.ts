import { strict as assert } from "node:assert";
import { isWorldCidr, publicExposure, sgNoPublicIngress } from "@ml-platform/policy/policies/security-group";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const SG = AWS_TYPES.ec2SecurityGroup;
const SG_RULE = AWS_TYPES.ec2SecurityGroupRule;
const INGRESS_RULE = AWS_TYPES.vpcSecurityGroupIngressRule;

function group(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    vpcId: "vpc-0123456789abcdef0",
    description: "training host",
    ingress: [
      { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"], ipv6CidrBlocks: [] },
      { protocol: "tcp", fromPort: 8888, toPort: 8888, securityGroups: ["sg-0fedcba9876543210"] },
    ],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  };
  mutate(props);
  return { type: SG, name: "trainer-sg", props };
}

function sgRule(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    type: "ingress",
    securityGroupId: "sg-0123456789abcdef0",
    protocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrBlocks: ["10.0.0.0/8"],
  };
  mutate(props);
  return { type: SG_RULE, name: "https-in", props };
}

function ingressRule(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    securityGroupId: "sg-0123456789abcdef0",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: "10.0.0.0/16",
  };
  mutate(props);
  return { type: INGRESS_RULE, name: "ssh-in", props };
}

describe("sg-no-public-ingress", () => {
  it("recognises every /0 spelling and nothing narrower", () => {
    for (const cidr of ["0.0.0.0/0", "::/0", "0::/0", " 0.0.0.0/0 ", "10.1.2.3/0", "::0/00"]) {
      assert.ok(isWorldCidr(cidr), cidr);
    }
    for (const cidr of ["10.0.0.0/8", "0.0.0.0/1", "::/1", "0.0.0.0", "", undefined, 0]) {
      assert.ok(!isWorldCidr(cidr), String(cidr));
    }
  });

  it("treats ranges wider than /8 (IPv4) or /16 (IPv6) as public: the halves-of-the-internet trick", () => {
    assert.equal(publicExposure("0.0.0.0/0"), "the whole internet");
    assert.match(publicExposure("0.0.0.0/1") ?? "", /a \/1 range, 1\/2 of every IPv4 address/);
    assert.match(publicExposure("128.0.0.0/1") ?? "", /\/1 range/);
    assert.match(publicExposure("2000::/3") ?? "", /1\/8 of every IPv6 address/);
    for (const cidr of ["10.0.0.0/8", "172.16.0.0/12", "203.0.113.7/32", "2001:db8::/32", "fd00::/16"]) {
      assert.equal(publicExposure(cidr), undefined, cidr);
    }
  });

  it("reports split-internet ranges in a rule", async () => {
    const split = sgRule((p) => (p.cidrBlocks = ["0.0.0.0/1", "128.0.0.0/1"]));
    const result = messages(await runResourcePolicy(sgNoPublicIngress, split));
    assert.equal(result.length, 2);
    assert.match(result[1], /cidrBlocks\[1\] is "128.0.0.0\/1": tcp port 443 open to a \/1 range/);
  });

  it("passes the compliant group and rules (egress to the world is not ingress)", async () => {
    for (const r of [group(), sgRule(), ingressRule()]) {
      assert.deepEqual(messages(await runResourcePolicy(sgNoPublicIngress, r)), [], r.type);
    }
  });

  it("reports inline ingress from 0.0.0.0/0 and ::/0 with the rule index and ports", async () => {
    const result = messages(
      await runResourcePolicy(
        sgNoPublicIngress,
        group((p) => {
          p.ingress[0].cidrBlocks = ["10.0.0.0/16", "0.0.0.0/0"];
          p.ingress[1].ipv6CidrBlocks = ["::/0"];
        }),
      ),
    );
    assert.equal(result.length, 2);
    assert.match(
      result[0],
      /ingress\[0\].cidrBlocks\[1\] is "0.0.0.0\/0": tcp port 22 open to the whole internet/,
    );
    assert.match(result[1], /ingress\[1\].ipv6CidrBlocks\[0\] is "::\/0"/);
  });

  it("reports SecurityGroupRule ingress but not egress", async () => {
    const open = sgRule((p) => (p.cidrBlocks = ["0.0.0.0/0"]));
    assert.match(messages(await runResourcePolicy(sgNoPublicIngress, open))[0], /cidrBlocks\[0\]/);
    const egress = sgRule((p) => {
      p.type = "egress";
      p.cidrBlocks = ["0.0.0.0/0"];
    });
    assert.deepEqual(messages(await runResourcePolicy(sgNoPublicIngress, egress)), []);
  });

  it("reports vpc.SecurityGroupIngressRule cidrIpv4 and cidrIpv6", async () => {
    const v4 = ingressRule((p) => (p.cidrIpv4 = "0.0.0.0/0"));
    assert.match(messages(await runResourcePolicy(sgNoPublicIngress, v4))[0], /cidrIpv4 is "0.0.0.0\/0"/);
    const v6 = ingressRule((p) => {
      delete p.cidrIpv4;
      p.cidrIpv6 = "::/0";
    });
    assert.match(messages(await runResourcePolicy(sgNoPublicIngress, v6))[0], /cidrIpv6 is "::\/0"/);
    const all = ingressRule((p) => {
      p.ipProtocol = "-1";
      delete p.fromPort;
      delete p.toPort;
      p.cidrIpv4 = "0.0.0.0/0";
    });
    assert.match(messages(await runResourcePolicy(sgNoPublicIngress, all))[0], /all traffic open/);
  });

  it("excuses single ports listed in allowedPublicPorts, never ranges or all traffic", async () => {
    const config = { allowedPublicPorts: [443] };
    const https = sgRule((p) => (p.cidrBlocks = ["0.0.0.0/0"]));
    assert.deepEqual(messages(await runResourcePolicy(sgNoPublicIngress, https, { config })), []);
    const range = sgRule((p) => {
      p.cidrBlocks = ["0.0.0.0/0"];
      p.fromPort = 400;
      p.toPort = 500;
    });
    assert.equal(messages(await runResourcePolicy(sgNoPublicIngress, range, { config })).length, 1);
  });

  it("fails closed on an unknown CIDR or rule list", async () => {
    const cases = [
      ingressRule((p) => (p.cidrIpv4 = unknown.string)),
      sgRule((p) => (p.cidrBlocks = [unknown.string])),
      group((p) => (p.ingress = unknown.array)),
      sgRule((p) => (p.type = unknown.string)),
    ];
    for (const c of cases) {
      const result = messages(await runResourcePolicy(sgNoPublicIngress, c));
      assert.equal(result.length, 1, c.type);
      assert.match(result[0], /fails closed/);
    }
  });
});
