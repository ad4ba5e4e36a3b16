import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface RecordsCatalogProps {
  /** Glue database name; Athena prefers lower case letters, digits and underscores. */
  readonly databaseName: string;
  /** The regional bucket holding the masked records. */
  readonly bucket: s3.IBucket;
  /** Prefix of the records (`records/`), below which objects sit in `tenant=…/dt=YYYY-MM-DD/hour=HH/`. */
  readonly recordsPrefix: string;
  /** Tenants homed in this region; they become the `tenant` projection enum. Empty: the tenant is injected. */
  readonly tenantIds: readonly string[];
  /** Records are kept this many days; the `dt` projection covers this range back from today. */
  readonly retentionDays: number;
}

/** Columns of one masked record (shared/record/record.ts); `tenant` is the partition column instead. */
export const RECORD_COLUMNS: ReadonlyArray<glue.CfnTable.ColumnProperty> = [
  { name: 'timestamp', type: 'bigint', comment: 'event time, epoch milliseconds (quote it: "timestamp")' },
  { name: 'region', type: 'string', comment: 'residency region name' },
  { name: 'service', type: 'string' },
  { name: 'level', type: 'string', comment: 'trace, debug, info, warn, error or fatal' },
  { name: 'message', type: 'string', comment: 'masked message' },
  { name: 'attributes', type: 'string', comment: 'masked attributes as JSON: use json_extract_scalar' },
  { name: 'ingest', type: 'struct<receivedAt:bigint,protocol:string,id:string>' },
];

/**
 * Glue database and table over the masked records with partition projection, so Athena can query them at once,
 * without a crawler or `MSCK REPAIR`. Objects are gzip NDJSON; Athena decompresses by the `.gz` extension.
 */
export class RecordsCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly tableName = 'records';

  constructor(scope: Construct, id: string, props: RecordsCatalogProps) {
    super(scope, id);
    const catalogId = Stack.of(this).account;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: props.databaseName, description: 'sluice masked records (this region only)' },
    });
    const location = `s3://${props.bucket.bucketName}/${props.recordsPrefix}`;
    const tenantProjection: Record<string, string> =
      props.tenantIds.length > 0
        ? { 'projection.tenant.type': 'enum', 'projection.tenant.values': props.tenantIds.join(',') }
        : { 'projection.tenant.type': 'injected' };
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Masked log records, gzip NDJSON, partitioned by tenant, day and hour (UTC).',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'tenant', type: 'string' },
          { name: 'dt', type: 'string', comment: 'UTC day, YYYY-MM-DD' },
          { name: 'hour', type: 'string', comment: 'UTC hour, 00-23' },
        ],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          ...tenantProjection,
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `NOW-${props.retentionDays}DAYS,NOW+1DAYS`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${location}tenant=\${tenant}/dt=\${dt}/hour=\${hour}/`,
        },
        storageDescriptor: {
          location,
          columns: [...RECORD_COLUMNS],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // The SerDe matches keys case-insensitively (its default), so `ingest.receivedAt` fills the struct
            // field Hive stores as `receivedat`; a nested `attributes` object arrives as JSON text in its column.
            parameters: { 'case.insensitive': 'true' },
          },
        },
      },
    });
    this.table.addResourceDependency(this.database);
  }
}
