import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { PAYLOAD_BUCKET } from "../../shared/config/resources";
import { allow } from "./lambda-defaults";

/** A stable logical ID, so the permission findings acknowledged below can name it. */
export const PAYLOAD_BUCKET_LOGICAL_ID = "PayloadBucket";

/**
 * The bucket for webhook payloads too large for one queue message: encrypted (S3 managed keys),
 * private, TLS only, every object expiring once no message can point at it any more
 * (PAYLOAD_BUCKET.expirationDays). Kept when the stack is deleted, like the logs: it may still hold
 * payloads of messages in the queues; it empties itself within the expiry.
 */
export class PayloadBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, "Bucket", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: "ExpirePayloads",
          expiration: Duration.days(PAYLOAD_BUCKET.expirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    (this.bucket.node.defaultChild as CfnBucket).overrideLogicalId(PAYLOAD_BUCKET_LOGICAL_ID);

    Validations.of(this.bucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "The bucket only holds short-lived copies of webhook bodies (expiring with the queues' retention), written and read by the pipeline's own function roles under one prefix; server access logs would need a second bucket retained longer than the data. Object-level access can be audited with CloudTrail S3 data events when required.",
    });
  }

  /** `s3:PutObject` (ingest) or `s3:GetObject` (router) on the payload prefix only, nothing else. */
  grantObjects(fn: LambdaFunction, sid: string, action: "s3:PutObject" | "s3:GetObject"): void {
    allow(fn, sid, [action], [this.bucket.arnForObjects(`${PAYLOAD_BUCKET.keyPrefix}*`)]);
    // On the role: its policy is where the finding is raised.
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${PAYLOAD_BUCKET_LOGICAL_ID}.Arn>/${PAYLOAD_BUCKET.keyPrefix}*]`,
      reason: `Payload object keys are the envelope id under a date path (${PAYLOAD_BUCKET.keyPrefix}<yyyy>/<mm>/<dd>/<id>.json), unknown until the webhook arrives; the wildcard is limited to that prefix of this one bucket and to ${action} alone.`,
    });
  }
}
