/**
 * Answers to the data sources (invokes) a program calls, from the fixture file (tools/preview/fixtures.yaml) and the
 * stack's region.
 */
import { AWS_INVOKES } from "@ml-platform/aws-facts/type-tokens";
import { str, UnansweredInvokeError, type MockAwsContext, type Props } from "./context";
import { dnsSuffix, reverseDnsPrefix, stableHex } from "./naming";
import { renderPolicyDocument } from "./policy-document";

/** `*` in a fixture pattern matches any run of characters. */
function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Answers a data source. Throws UnansweredInvokeError for tokens or arguments the fixtures can't answer. */
export function answerInvoke(token: string, inputs: Props, ctx: MockAwsContext): Props {
  const f = ctx.fixtures;
  const partition = f.partition;
  const region = str(inputs.region) ?? ctx.region;
  const sub = (s: string) =>
    s.replace(/\{accountId\}/g, f.callerIdentity.accountId).replace(/\{partition\}/g, partition);
  switch (token) {
    case AWS_INVOKES.getCallerIdentity:
      return {
        id: f.callerIdentity.accountId,
        accountId: f.callerIdentity.accountId,
        arn: sub(f.callerIdentity.arn),
        userId: f.callerIdentity.userId,
      };
    case AWS_INVOKES.getRegion:
      return {
        id: region,
        region,
        name: region,
        endpoint: `ec2.${region}.${dnsSuffix(partition)}`,
        description: region,
      };
    case AWS_INVOKES.getPartition:
      return {
        id: partition,
        partition,
        dnsSuffix: dnsSuffix(partition),
        reverseDnsPrefix: reverseDnsPrefix(partition),
      };
    case AWS_INVOKES.ssmGetParameter: {
      const name = str(inputs.name);
      const hit = name === undefined ? undefined : f.ssmParameters.find((p) => globMatches(p.name, name));
      if (!hit) {
        throw new UnansweredInvokeError(
          token,
          `no ssmParameters entry matches parameter name ${JSON.stringify(name)}`,
        );
      }
      return {
        id: name,
        name,
        type: hit.type,
        value: hit.value,
        insecureValue: hit.type === "SecureString" ? undefined : hit.value,
        version: 1,
        arn: `arn:${partition}:ssm:${region}:${name!.startsWith("/aws/") ? "" : f.callerIdentity.accountId}:parameter${name!.startsWith("/") ? "" : "/"}${name}`,
        withDecryption: inputs.withDecryption ?? true,
      };
    }
    case AWS_INVOKES.ec2GetAmi: {
      if (!f.ami) throw new UnansweredInvokeError(token, "the fixtures define no `ami`");
      return {
        id: f.ami.id,
        imageId: f.ami.id,
        name: f.ami.name,
        architecture: f.ami.architecture,
        ownerId: f.ami.ownerId,
        arn: `arn:${partition}:ec2:${region}::image/${f.ami.id}`,
        mostRecent: inputs.mostRecent ?? false,
        owners: inputs.owners ?? [],
        filters: inputs.filters ?? [],
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
      };
    }
    case AWS_INVOKES.sagemakerGetPrebuiltEcrImage: {
      const repositoryName = str(inputs.repositoryName);
      if (!repositoryName) throw new UnansweredInvokeError(token, "repositoryName is required");
      const entry = f.prebuiltEcrImages[repositoryName] ?? f.prebuiltEcrImages["*"];
      if (!entry) {
        throw new UnansweredInvokeError(token, `no prebuiltEcrImages entry for repository ${repositoryName}`);
      }
      const registryId = entry.regions[region] ?? entry.default;
      const imageTag = str(inputs.imageTag) ?? "1";
      const suffix = str(inputs.dnsSuffix) ?? dnsSuffix(partition);
      return {
        id: registryId,
        registryId,
        repositoryName,
        imageTag,
        region,
        dnsSuffix: suffix,
        registryPath: `${registryId}.dkr.ecr.${region}.${suffix}/${repositoryName}:${imageTag}`,
      };
    }
    case AWS_INVOKES.ec2GetVpcs: {
      // Only the default-VPC lookup: filter is-default = true, nothing else.
      const filters = (Array.isArray(inputs.filters) ? inputs.filters : []) as {
        name?: unknown;
        values?: unknown;
      }[];
      const isDefaultOnly =
        filters.length === 1 &&
        filters[0]!.name === "is-default" &&
        JSON.stringify(filters[0]!.values) === JSON.stringify(["true"]);
      if (!isDefaultOnly)
        throw new UnansweredInvokeError(token, "only the filter is-default=true is answered");
      const ids = f.defaultVpcId ? [f.defaultVpcId] : [];
      return { id: region, ids, filters };
    }
    case AWS_INVOKES.iamGetPolicyDocument: {
      const json = JSON.stringify(renderPolicyDocument(inputs), null, 2);
      return { id: stableHex(json, 10), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
    }
    default:
      throw new UnansweredInvokeError(token);
  }
}
