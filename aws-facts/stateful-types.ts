/**
 * Resource types that hold data or the key to data, defined once: the policy pack requires the `protect` option on
 * them (stateful-resources-protected) and the offline change preview warns when a change replaces or deletes one.
 * Each entry says what a replacement or deletion loses, with the AWS page that says so.
 *
 * The list is every data- or key-holding type ml-platform creates or a platform team adds next to it (object
 * stores, the notebook's volume, keys, image repositories, block and file storage, databases). Left out on
 * purpose: log groups (their retention policy, not `protect`, governs how long logs live; the stacks create and
 * replace them freely), queues and topics (transient messages), and types the pack does not otherwise know.
 */
import { AWS_TYPES } from "./type-tokens";

export interface StatefulType {
  /** What replacing or deleting a resource of this type loses. */
  readonly loses: string;
  /** The public page that documents the loss. */
  readonly source: string;
}

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  [AWS_TYPES.s3Bucket]: {
    loses:
      "holds the project's data and model artifacts; deleting a non-empty bucket fails unless forceDestroy",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html",
  },
  [AWS_TYPES.s3BucketV2]: {
    loses:
      "holds the project's data and model artifacts; deleting a non-empty bucket fails unless forceDestroy",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html",
  },
  [AWS_TYPES.sagemakerNotebookInstance]: {
    loses: "its ML storage volume holds the users' notebooks and data",
    source: "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi.html",
  },
  [AWS_TYPES.kmsKey]: {
    loses:
      "data encrypted with it becomes unreadable once the key is deleted; destroy schedules deletion in 7-30 days",
    source: "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
  },
  [AWS_TYPES.ecrRepository]: {
    loses: "deleting the repository deletes its images (with force delete) or fails while it holds any",
    source: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-delete.html",
  },
  [AWS_TYPES.ebsVolume]: {
    loses: "deleting a volume deletes its data; only a snapshot taken before survives",
    source: "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-volume.html",
  },
  [AWS_TYPES.efsFileSystem]: {
    loses: "deleting a file system permanently deletes every file on it",
    source: "https://docs.aws.amazon.com/efs/latest/ug/delete-efs-fs.html",
  },
  [AWS_TYPES.dynamodbTable]: {
    loses: "deleting a table deletes its items (and its on-demand backups unless kept)",
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html",
  },
  [AWS_TYPES.rdsInstance]: {
    loses: "deleting a DB instance deletes its data and automated backups unless a final snapshot is taken",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html",
  },
  [AWS_TYPES.rdsCluster]: {
    loses: "deleting a DB cluster deletes its data and automated backups unless a final snapshot is taken",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html",
  },
};

/** What replacing or deleting a resource of `type` loses, or undefined for a type that holds no state. */
export function statefulLoss(type: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(STATEFUL_TYPES, type) ? STATEFUL_TYPES[type].loses : undefined;
}
