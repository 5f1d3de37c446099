/**
 * The region's default VPC, looked up with a data source. Accounts without one (common under AWS Control Tower,
 * which deletes it) would otherwise fail at launch with `VPCIdNotSpecified`
 * (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html); looking it up makes the program fail at
 * preview instead, before anything is created, with a message saying what to set.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The default VPC's id. Rejects (failing the program) when the region has none, telling the user to set
 * `whatToSet` (the argument or config keys that name a subnet and VPC instead).
 */
export function defaultVpcIdOutput(
  parent: pulumi.Resource | undefined,
  whatToSet: string,
): pulumi.Output<string> {
  const vpcs = aws.ec2.getVpcsOutput(
    { filters: [{ name: "is-default", values: ["true"] }] },
    parent ? { parent } : {},
  );
  const region = aws.getRegionOutput({}, parent ? { parent } : {}).region;
  return pulumi.all([vpcs.ids, region]).apply(([ids, name]) => {
    if (ids.length === 0) {
      throw new pulumi.RunError(
        `region ${name} has no default VPC (accounts set up by AWS Control Tower usually have none), so the ` +
          `training host has nowhere to launch: set ${whatToSet} to a subnet and its VPC`,
      );
    }
    return ids[0]!;
  });
}
