import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE, ROUTING_TABLE } from "../../shared/config/resources";
import { EVENTS_STATUS_INDEX_ATTRIBUTES } from "../../shared/config/table-definitions";

export interface PipelineTablesProps {
  /** Deletion protection on the routing table (the one table that holds configuration). */
  routingTableDeletionProtection: boolean;
  /**
   * Point-in-time recovery on the events table: off by default, since its records expire within
   * 30 days and backing them up continuously costs more than the writes themselves.
   */
  eventsTablePointInTimeRecovery?: boolean;
}

const S = AttributeType.STRING;

/**
 * The pipeline's DynamoDB tables, on demand and encrypted with the AWS managed key, keyed exactly as
 * `shared/config/resources.ts` says (the local runner builds its tables from the same definitions).
 */
export class PipelineTables extends Construct {
  /** Claims and teams: configuration, so point-in-time recovery and retained on stack deletion. */
  readonly routing: Table;
  /** One outcome record per event (TTL), listable by status and time. */
  readonly events: Table;
  /** The delivery guard's claims, one per delivery key (TTL). */
  readonly idempotency: Table;

  constructor(scope: Construct, id: string, props: PipelineTablesProps) {
    super(scope, id);
    const common = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
    } as const;

    this.routing = new Table(this, "Routing", {
      ...common,
      partitionKey: { name: ROUTING_TABLE.partitionKey, type: S },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.routingTableDeletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.routing.addGlobalSecondaryIndex({
      indexName: ROUTING_TABLE.teamIndex.name,
      partitionKey: { name: ROUTING_TABLE.teamIndex.partitionKey, type: S },
      sortKey: { name: ROUTING_TABLE.teamIndex.sortKey, type: S },
    });

    this.events = new Table(this, "Events", {
      ...common,
      partitionKey: { name: EVENTS_TABLE.partitionKey, type: S },
      timeToLiveAttribute: EVENTS_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: props.eventsTablePointInTimeRecovery ?? false,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (!props.eventsTablePointInTimeRecovery) {
      Validations.of(this.events).acknowledge({
        id: "AwsSolutions-DDB3",
        reason:
          "Audit records that expire within 30 days (7 for refused requests); continuous backups would cost more than the records. Turn on with -c eventsTablePointInTimeRecovery=true.",
      });
    }
    this.events.addGlobalSecondaryIndex({
      indexName: EVENTS_TABLE.statusIndex.name,
      partitionKey: { name: EVENTS_TABLE.statusIndex.partitionKey, type: S },
      // ISO-8601 timestamps: they sort as strings, newest first with ScanIndexForward=false.
      sortKey: { name: EVENTS_TABLE.statusIndex.sortKey, type: S },
      // What a listing shows, without copying stored message bodies into the index.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...EVENTS_STATUS_INDEX_ATTRIBUTES],
    });

    this.idempotency = new Table(this, "Idempotency", {
      ...common,
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: S },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.idempotency).acknowledge({
      id: "AwsSolutions-DDB3",
      reason:
        "Holds only short-lived delivery claims that expire by TTL; restoring them to an earlier point would re-open or close dedup windows arbitrarily, so point-in-time recovery has nothing worth recovering.",
    });
  }
}
