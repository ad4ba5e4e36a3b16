import { z } from 'zod';
import { bucketName, MAX_BUCKET_NAME_LENGTH } from '../bucket-name.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../mask/sensitive-keys.ts';

/**
 * The one configuration file of sluice. Every object is strict: an unknown key is an error that names its path,
 * so a typo (`minLevl`) fails at start-up instead of silently doing nothing.
 */

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lower-case letters, digits and dashes, starting with a letter');

const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');

/** The customer-managed key a secret or SecureString is encrypted with (none needed for the AWS-managed keys). */
const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/,
    'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  )
  .optional();

/** A secret the runtime fetches: never its value in the file. */
export const secretRefSchema = z.union([
  z.strictObject({
    secretArn: z.string().regex(/^arn:aws[\w-]*:secretsmanager:/, 'must be a Secrets Manager ARN'),
    kmsKeyArn,
  }),
  z.strictObject({
    ssmParameter: z.string().regex(/^\//, 'must be an SSM parameter name starting with /'),
    kmsKeyArn,
  }),
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** An ingestion key is stored as its SHA-256 (hex) or as a reference to a secret holding the plaintext. */
const ingestionKey = z.union([
  z.strictObject({
    id: name,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the key'),
    /**
     * Marks a documentation or test key whose plaintext is public (`test`, `changeme`, …): `cdk synth` refuses
     * such hashes unless they carry this mark, so an example key never guards a deployed endpoint by accident.
     */
    example: z.literal(true).optional(),
  }),
  z.strictObject({ id: name, secret: secretRefSchema }),
]);

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

/** A dotted path into the record: `level`, `service`, `attributes.http.status`. */
const fieldPath = z.string().regex(/^[A-Za-z_@][\w@-]*(\.[\w@-]+)*$/, 'must be a dotted field path');

export const conditionSchema = z.union([
  z.strictObject({ field: fieldPath, equals: z.union([z.string(), z.number(), z.boolean()]) }),
  z.strictObject({ field: fieldPath, in: z.array(z.union([z.string(), z.number()])).min(1) }),
  z.strictObject({ field: fieldPath, regex: regexString }),
  z.strictObject({ field: fieldPath, exists: z.boolean() }),
  z.strictObject({ message: regexString }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const levelName = z.enum(LEVEL_NAMES);

export const filterSchema = z.strictObject({
  /** Records below this level are dropped (reason `level`). */
  minLevel: levelName.optional(),
  /** Records matching any named rule are dropped (reason = the rule name). */
  drop: z.array(z.strictObject({ name, when: z.array(conditionSchema).min(1) })).default([]),
  /** Records matching any keep rule are kept whatever the drop rules, sampling, suppression or throttling say. */
  keep: z.array(z.strictObject({ name, when: z.array(conditionSchema).min(1) })).default([]),
  /** Consistent sampling: keep 1 in `oneIn` distinct values of `key` (hash-based, so every region agrees). */
  sample: z
    .array(
      z.strictObject({
        name,
        key: fieldPath,
        oneIn: z.number().int().min(1),
        when: z.array(conditionSchema).default([]),
      }),
    )
    .default([]),
  /** At most `max` records per key per period; the rest are replaced by one summary record per key and period. */
  suppress: z
    .array(
      z.strictObject({
        name,
        key: z.array(fieldPath).min(1),
        max: z.number().int().min(1),
        periodSeconds: z.number().int().min(1).max(86_400),
      }),
    )
    .default([]),
  /** Hard per-key rate limit: at most `max` records per key per period; the rest are dropped (counted). */
  throttle: z
    .array(
      z.strictObject({
        name,
        key: z.array(fieldPath).min(1),
        max: z.number().int().min(1),
        periodSeconds: z.number().int().min(1).max(86_400),
      }),
    )
    .default([]),
});
export type FilterConfig = z.infer<typeof filterSchema>;

export const DETECTOR_NAMES = [
  'email',
  'ipv4',
  'ipv6',
  'card',
  'iban',
  'ssn',
  'phone',
  'awsAccessKey',
  'awsSecretKey',
  'jwt',
  'authHeader',
  'urlPassword',
  'mac',
  'privateKey',
  // National and tax ids (docs/detectors.md: validation and context keywords)
  'deTaxId',
  'frNir',
  'esDni',
  'esNie',
  'itFiscalCode',
  'nlBsn',
  'plPesel',
  'sePersonnummer',
  'fiHetu',
  'beNationalNumber',
  'atSvnr',
  'iePps',
  'ukNino',
  'ukNhs',
  'caSin',
  'usItin',
  'imei',
  'btcAddress',
  'ethAddress',
  // Secrets
  'githubToken',
  'githubFineGrainedToken',
  'npmToken',
  'slackToken',
  'slackWebhook',
  'stripeKey',
  'googleApiKey',
  'openaiKey',
  'anthropicKey',
  'azureStorageKey',
  'azureSas',
  'genericSecret',
  'connectionStringPassword',
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export const MASK_MODES = ['placeholder', 'hmac', 'partial'] as const;
export type MaskMode = (typeof MASK_MODES)[number];

const detectorSetting = z.union([
  z.boolean(),
  z.strictObject({ enabled: z.boolean().default(true), mode: z.enum(MASK_MODES).optional() }),
]);

/** Enabled detectors whose effective mode (their own, else the mask's) is `hmac`. */
function hmacDetectors(mask: {
  mode: MaskMode;
  detectors: Partial<Record<DetectorName, z.infer<typeof detectorSetting>>>;
}): DetectorName[] {
  return DETECTOR_NAMES.filter((d) => {
    const setting = mask.detectors[d];
    if (setting === false || (typeof setting === 'object' && !setting.enabled)) return false;
    return ((typeof setting === 'object' ? setting.mode : undefined) ?? mask.mode) === 'hmac';
  });
}

export const maskSchema = z
  .strictObject({
    /** `detect`: scan every string; `allowList`: only the listed fields pass unmasked, everything else is masked. */
    policy: z.enum(['detect', 'allowList']).default('detect'),
    /** Default mode for every detector. */
    mode: z.enum(MASK_MODES).default('placeholder'),
    detectors: z.partialRecord(z.enum(DETECTOR_NAMES), detectorSetting).default({}),
    /** Field names (case-insensitive substrings) whose values are masked whatever they hold. */
    sensitiveKeys: z.array(z.string().min(1)).default([...DEFAULT_SENSITIVE_KEYS]),
    /** With policy allowList: field paths whose values pass (still scanned by the detectors). */
    allowList: z.array(fieldPath).default([]),
    /** Key for HMAC pseudonyms. Required when any detector uses mode `hmac`. */
    hmacKey: secretRefSchema.optional(),
  })
  .superRefine((mask, ctx) => {
    // The masker refuses to start without a key for hmac mode: caught here, it is a validation error at its path
    // instead of a processor that fails every cold start.
    if (mask.hmacKey) return;
    const users = hmacDetectors(mask);
    if (users.length === 0) return;
    const named =
      users.length > 3 ? `${users.slice(0, 3).join(', ')} and ${users.length - 3} more` : users.join(', ');
    ctx.addIssue({
      code: 'custom',
      path: ['hmacKey'],
      message: `is required: mode hmac is used by ${named}`,
    });
  });
export type MaskConfig = z.infer<typeof maskSchema>;

/** A literal that may replicate as a dimension value (docs/residency.md): bounded, no control characters. */
const dimensionLiteral = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w .:/@-]+$/, 'must be 1-64 letters, digits or . : / @ - _ and spaces');

export const aggregateSchema = z.strictObject({
  windowSeconds: z.number().int().min(1).max(86_400).default(60),
  /**
   * Extra dimensions besides tenant, region, service, level. A bare path: its values replicate only as a keyed hash
   * (numbers as a range); `{ field, values }`: the listed values replicate as they are, any other as `<other>`.
   */
  groupBy: z
    .array(
      z.union([fieldPath, z.strictObject({ field: fieldPath, values: z.array(dimensionLiteral).max(1000) })]),
    )
    .max(5)
    .default([]),
  /** Service names that replicate as they are; any other service replicates as a keyed hash (docs/residency.md). */
  services: z.array(dimensionLiteral).max(1000).optional(),
  /** Distinct dimension combinations per (service, window) in the global table; the rest count under `<other>`. */
  maxValuesPerWindow: z.number().int().min(1).max(1000).default(100),
  /** Numeric fields summarised with count, sum, min and max. */
  stats: z.array(fieldPath).max(10).default([]),
  patterns: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Cap of distinct templates kept per (service, window); the rest count under `<other>`. */
      maxPerWindow: z.number().int().min(1).max(1000).default(50),
      /** A template replicates only once this many distinct messages produced it in the window (the rest: `<other>`). */
      minDistinct: z.number().int().min(2).max(20).default(5),
    })
    .prefault({}),
  /** Event times outside [receive - maxLate, receive + maxAhead] are aggregated at their receive time. */
  eventTime: z
    .strictObject({
      maxLateSeconds: z.number().int().min(60).max(31_536_000).default(604_800),
      maxAheadSeconds: z.number().int().min(0).max(86_400).default(3600),
    })
    .prefault({}),
});
export type AggregateConfig = z.infer<typeof aggregateSchema>;

export const pipelineSchema = z.strictObject({
  filter: filterSchema.prefault({}),
  mask: maskSchema.prefault({}),
  aggregate: aggregateSchema.prefault({}),
});
export type PipelineRules = z.infer<typeof pipelineSchema>;

/**
 * Tenant overrides are partial at every level: `loadConfig` deep-merges them over `defaults.pipeline` (objects
 * merge, arrays replace) and validates the result with `pipelineSchema`, reporting paths under the tenant.
 */
const pipelineOverride = z.record(z.string(), z.unknown());

export const regionSchema = z.strictObject({
  awsRegion,
  stream: z
    .strictObject({
      mode: z.enum(['onDemand', 'provisioned']).default('onDemand'),
      shards: z.number().int().min(1).max(500).default(2),
      retentionHours: z.number().int().min(24).max(8760).default(24),
    })
    .prefault({}),
  processor: z
    .strictObject({
      batchSize: z.number().int().min(1).max(10_000).default(500),
      batchingWindowSeconds: z.number().int().min(0).max(300).default(5),
      maxRetryAttempts: z.number().int().min(0).max(10_000).default(5),
      maxRecordAgeSeconds: z.number().int().min(60).max(604_800).default(3600),
      /** Must stay 1: the exactly-once design needs each shard processed strictly in order. */
      parallelizationFactor: z.literal(1).default(1),
      memoryMb: z.number().int().min(128).max(10_240).default(1024),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      throttleRatePerSecond: z.number().int().min(1).default(1000),
      throttleBurst: z.number().int().min(1).default(2000),
      customDomain: z
        .strictObject({ domainName: z.string().min(3), certificateArn: z.string().startsWith('arn:') })
        .optional(),
    })
    .prefault({}),
  bucket: z
    .strictObject({
      expireDays: z.number().int().min(1).default(90),
      /** S3 allows STANDARD_IA only after 30 days, and a transition at or after expiry would never happen. */
      infrequentAccessAfterDays: z.number().int().min(30).optional(),
    })
    .prefault({})
    .superRefine((b, ctx) => {
      if (b.infrequentAccessAfterDays !== undefined && b.infrequentAccessAfterDays >= b.expireDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['infrequentAccessAfterDays'],
          message: `must be less than expireDays (${b.expireDays}): objects expire before they would move`,
        });
      }
    }),
  alarmEmail: z.email().optional(),
});

export type RegionConfig = z.infer<typeof regionSchema>;

export const tenantSchema = z.strictObject({
  id: name,
  /** The residency region (a key of `regions`) whose endpoint accepts this tenant's data. */
  homeRegion: name,
  keys: z.array(ingestionKey).min(1),
  pipeline: pipelineOverride.optional(),
});
export type TenantConfig = z.infer<typeof tenantSchema>;

export const configSchema = z
  .strictObject({
    version: z.literal(1),
    /** Prefix of every stack and resource name. */
    project: name.default('sluice'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    regions: z
      .record(name, regionSchema)
      .refine((r) => Object.keys(r).length > 0, 'needs at least one region'),
    aggregates: z
      .strictObject({
        /** Aggregates expire this many days after their window (DynamoDB TTL). */
        ttlDays: z.number().int().min(1).max(3650).default(400),
      })
      .prefault({}),
    defaults: z.strictObject({ pipeline: pipelineSchema.prefault({}) }).prefault({}),
    tenants: z.array(tenantSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.tenants.forEach((t, i) => {
      if (!(t.homeRegion in cfg.regions)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'homeRegion'],
          message: `names region "${t.homeRegion}", which is not under regions (${Object.keys(cfg.regions).join(', ')})`,
        });
      }
      if (seen.has(t.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'id'],
          message: `duplicate tenant id "${t.id}"`,
        });
      }
      seen.add(t.id);
    });
    const hashes = new Map<string, string>();
    cfg.tenants.forEach((t, i) => {
      t.keys.forEach((k, j) => {
        if (!('sha256' in k)) return;
        // Authentication takes the first match: a shared hash would file one tenant's data under another.
        const first = hashes.get(k.sha256);
        if (first) {
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', i, 'keys', j, 'sha256'],
            message: `is the same key as ${first}: every ingestion key must be unique`,
          });
        } else hashes.set(k.sha256, `${t.id}/${k.id}`);
      });
    });
    for (const region of Object.keys(cfg.regions)) {
      // Deployed names hold a 12-digit account id (configured or the deploy-time one).
      const awsRegion = cfg.regions[region]?.awsRegion ?? '';
      const length = bucketName(cfg.project, region, '0'.repeat(12), awsRegion).length;
      if (length > MAX_BUCKET_NAME_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', region],
          message: `gives a bucket name of ${length} characters (S3 allows ${MAX_BUCKET_NAME_LENGTH}): shorten project or the region name`,
        });
      }
    }
    for (const [key, r] of Object.entries(cfg.regions)) {
      // A regional API's custom domain needs an ACM certificate of that same AWS region.
      const cert = r.ingest.customDomain?.certificateArn;
      const certRegion = cert?.split(':')[3];
      if (cert && certRegion !== r.awsRegion) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', key, 'ingest', 'customDomain', 'certificateArn'],
          message: `must be a certificate of ${r.awsRegion} (regional endpoint), not of ${certRegion || 'no region'}`,
        });
      }
    }
    const awsRegions = new Set<string>();
    for (const [key, r] of Object.entries(cfg.regions)) {
      if (awsRegions.has(r.awsRegion)) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', key, 'awsRegion'],
          message: `${r.awsRegion} is used by two residency regions`,
        });
      }
      awsRegions.add(r.awsRegion);
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
