import { z } from 'zod';

/**
 * The whole environment surface of Cuecard. Nothing else reads `process.env`:
 * the config is parsed once at start, frozen, and passed down.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  CUECARD_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'use 1–40 letters, digits, ".", "_" or "-"')
    .optional(),
  CUECARD_DATA_DIR: z.string().min(1).default('.cuecard/data'),
  CUECARD_KNOWLEDGE_DIR: z.string().min(1).default('knowledge'),
  CUECARD_DEV_TENANT: booleanFromEnv.optional(),
  // A fresh server database's first admin key (a deployment secret), else one is printed once.
  CUECARD_BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{32,200}$/, 'use 32–200 printable characters without spaces')
    .optional(),
  CUECARD_BOOTSTRAP_TENANT: z.string().min(1).max(200).default('Default tenant'),
  CUECARD_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).max(16_777_216).default(65_536),
  CUECARD_ANALYZER_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  CUECARD_PII_MODE: z.enum(['off', 'mask', 'hash']).default('mask'),
  CUECARD_PII_OFF_LOOP_CHARS: z.coerce.number().int().min(0).max(16_777_216).default(4_096),
  CUECARD_PII_DEADLINE_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  // Keys customer-id pseudonyms (tenant option redactCustomerIds); never stored in the database.
  CUECARD_PSEUDONYM_SECRET: z.string().min(16, 'use at least 16 random characters').optional(),
  CUECARD_LOAD_SHEDDING: z.enum(['true', 'false']).default('true'),
  CUECARD_SUBSCRIBER_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(65_536)
    .max(1_073_741_824)
    .default(4_194_304),
  // Webhooks (README, "Webhooks"): private targets only for local development and tests.
  CUECARD_WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv.default(false),
  CUECARD_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  CUECARD_WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  CUECARD_WEBHOOK_GIVE_UP_HOURS: z.coerce
    .number()
    .min(0.0001)
    .max(24 * 30)
    .default(25),
  CUECARD_WEBHOOK_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
  CUECARD_WORK_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  CUECARD_WORK_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  CUECARD_STOP_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
  // Operations (README, "Operations"): the retention purge's period; /metrics; request logs.
  CUECARD_RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0.001).max(10_080).default(60),
  CUECARD_METRICS: booleanFromEnv.default(false),
  CUECARD_METRICS_TOKEN: z.string().min(16, 'use at least 16 random characters').optional(),
  CUECARD_REQUEST_LOGS: booleanFromEnv.default(false),
  // auto: readable lines on a terminal outside production, JSON otherwise.
  CUECARD_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  NODE_ENV: z.string().optional(),
  // channel=minutes pairs; 0 never ends that channel's conversations for idleness.
  CUECARD_ABANDON_AFTER_MINUTES: z
    .string()
    .regex(
      /^\s*(voice|chat|email)\s*=\s*\d+(\.\d+)?\s*(,\s*(voice|chat|email)\s*=\s*\d+(\.\d+)?\s*)*$/,
      'use channel=minutes pairs, e.g. voice=15,chat=60,email=0',
    )
    .default('voice=15,chat=60,email=0'),
  CUECARD_REPEAT_WINDOW_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 90)
    .default(72),
  CUECARD_EMBEDDINGS: z.enum(['local', 'transformers', 'openai']).default('local'),
  CUECARD_TRANSFORMERS_MODEL: z.string().min(1).optional(),
  CUECARD_MODELS_DIR: z.string().min(1).default('.cuecard/models'),
  CUECARD_ALLOW_MODEL_DOWNLOAD: booleanFromEnv.default(false),
  CUECARD_MODEL_HUB_URL: z.string().url().optional(),
  CUECARD_TRANSFORMERS_LANGUAGES: z
    .string()
    .regex(
      /^(any|[a-z]{2,3}(\s*,\s*[a-z]{2,3})*)$/i,
      'must be "any" or a comma-separated list of language codes (e.g. "en,zh")',
    )
    .default('en'),
  CUECARD_SENTIMENT_MODEL: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  CUECARD_LLM_MODEL: z.string().min(1).optional(),
  CUECARD_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8_000),
  CUECARD_LLM_ANALYZERS: z
    .string()
    .regex(
      /^\s*(none|(intent|sentiment)(\s*,\s*(intent|sentiment))*)\s*$/,
      'must be "none" or a comma-separated list of: intent, sentiment',
    )
    .default('none'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly logLevel: RawConfig['LOG_LEVEL'];
  /** Absent: embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /**
   * Names this process among instances sharing one Postgres server (live events written by one
   * reach subscribers of the others). Default: host name, process id and a random suffix.
   */
  readonly instanceId: string | undefined;
  readonly dataDir: string;
  readonly knowledgeDir: string;
  /** Create a development tenant with printed keys on first start. */
  readonly devTenant: boolean;
  /**
   * Without a development tenant: a database with no admin key gets a tenant of this name and one
   * admin key, `adminKey` when given (a deployment secret), else a new one printed once.
   */
  readonly bootstrap: { readonly tenantName: string; readonly adminKey: string | undefined };
  readonly maxFrameBytes: number;
  readonly analyzerTimeoutMs: number;
  /** Skip shedding analyzers (cards, similar cases) for turns already moved past under load. */
  readonly loadShedding: boolean;
  /** Unsent bytes a subscriber may have queued before it is closed as too slow (4429). */
  readonly subscriberBufferBytes: number;
  readonly piiMode: 'off' | 'mask' | 'hash';
  /** Texts of at least this many characters are redacted in a worker thread, off the event loop. */
  readonly piiOffLoopFromChars: number;
  /** How long redacting one text may take there; past it the text is refused (`validation_failed`). */
  readonly piiDeadlineMs: number;
  /**
   * Server secret of customer-id pseudonyms; unset, each tenant's stored hash salt keys them
   * (then anyone with the database could test guesses of an id against a pseudonym).
   */
  readonly pseudonymSecret: string | undefined;
  /** How often each instance runs the retention purge (tenants' `retention` settings). */
  readonly retentionIntervalMs: number;
  /**
   * `/metrics` (Prometheus text): served when `enabled` (no key: keep the port private), or to
   * callers bearing `token` when one is set; otherwise not found.
   */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined };
  /** One log line per HTTP request (off by default: a busy service logs what went wrong). */
  readonly requestLogs: boolean;
  /** `auto` becomes `pretty` when stdout is a terminal; production always logs JSON. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** A customer coming back about the same topic within this window is a repeat contact. */
  readonly repeatWindowHours: number;
  /** Webhooks out: targets, deadlines and the retry schedule (src/integrations/webhooks/). */
  readonly webhooks: {
    readonly allowPrivate: boolean;
    readonly timeoutMs: number;
    readonly maxResponseBytes: number;
    readonly retry: {
      readonly baseMs: number;
      readonly maxMs: number;
      readonly giveUpAfterMs: number;
    };
    readonly pollMs: number;
  };
  /** Durable work (analysis, wrap-up) of this instance (decision 0008). */
  readonly work: {
    /** Conversations analysed at once by this instance (each one's items in order). */
    readonly concurrency: number;
    /** How long an instance may go silent before its work moves to another (takeover time). */
    readonly leaseMs: number;
    /** On SIGTERM, how long running work may finish before it is handed back to the queue. */
    readonly stopGraceMs: number;
  };
  /**
   * An active conversation with no item for this long is ended as abandoned (its connector
   * vanished), per channel; a channel left out (or 0) is never ended for idleness.
   */
  readonly abandonAfterSeconds: Readonly<Partial<Record<'voice' | 'chat' | 'email', number>>>;
  readonly embeddings: {
    readonly provider: 'local' | 'transformers' | 'openai';
    readonly transformersModel: string | undefined;
    readonly modelsDir: string;
    /**
     * Let transformers.js fetch a missing model from the Hugging Face Hub (into `modelsDir`).
     * Off by default: an offline deployment must fail at start, not hang on a download.
     */
    readonly allowModelDownload: boolean;
    /** Where downloads come from: a Hugging Face Hub mirror; unset = the Hub itself. */
    readonly modelHubUrl: string | undefined;
    /** What the transformers model is good at; other languages fall back to keyword search. */
    readonly transformersLanguages: readonly string[] | 'any';
  };
  /**
   * A transformers.js text-classification (sentiment) model id under `embeddings.modelsDir`,
   * e.g. an SST-2 DistilBERT exported to ONNX; downloads follow `embeddings.allowModelDownload`.
   * Unset: the offline sentiment model.
   */
  readonly sentimentModel: string | undefined;
  readonly llm:
    | {
        readonly baseUrl: string;
        readonly apiKey: string | undefined;
        readonly model: string;
        readonly timeoutMs: number;
        /**
         * Live analyzers that ask the LLM per turn (intent, sentiment), each falling back to its
         * offline model when the LLM fails or is slow. Summaries and replies always use it.
         */
        readonly analyzers: ReadonlySet<'intent' | 'sentiment'>;
      }
    | undefined;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the environment variables above (see the Configuration table in README.md).',
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" so that `FOO= npm start` behaves like no FOO.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems.push(`${key}=${JSON.stringify(cleaned[key] ?? '')}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const raw = parsed.data;
  if (raw.CUECARD_EMBEDDINGS === 'transformers' && !raw.CUECARD_TRANSFORMERS_MODEL) {
    problems.push(
      'CUECARD_EMBEDDINGS=transformers needs CUECARD_TRANSFORMERS_MODEL (a model id under CUECARD_MODELS_DIR)',
    );
  }
  if (raw.CUECARD_EMBEDDINGS === 'openai' && !raw.OPENAI_BASE_URL) {
    problems.push('CUECARD_EMBEDDINGS=openai needs OPENAI_BASE_URL');
  }
  const llmAnalyzers = new Set(
    raw.CUECARD_LLM_ANALYZERS.split(',')
      .map((name) => name.trim())
      .filter((name): name is 'intent' | 'sentiment' => name === 'intent' || name === 'sentiment'),
  );
  if (llmAnalyzers.size > 0 && !raw.OPENAI_BASE_URL) {
    problems.push('CUECARD_LLM_ANALYZERS needs an LLM: set OPENAI_BASE_URL and CUECARD_LLM_MODEL');
  }
  if (raw.OPENAI_BASE_URL && !raw.CUECARD_LLM_MODEL) {
    problems.push('OPENAI_BASE_URL is set but CUECARD_LLM_MODEL is not: name the model to use');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    host: raw.HOST,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    databaseUrl: raw.DATABASE_URL,
    instanceId: raw.CUECARD_INSTANCE_ID,
    dataDir: raw.CUECARD_DATA_DIR,
    knowledgeDir: raw.CUECARD_KNOWLEDGE_DIR,
    devTenant: raw.CUECARD_DEV_TENANT ?? raw.DATABASE_URL === undefined,
    bootstrap: {
      tenantName: raw.CUECARD_BOOTSTRAP_TENANT,
      adminKey: raw.CUECARD_BOOTSTRAP_ADMIN_KEY,
    },
    maxFrameBytes: raw.CUECARD_MAX_FRAME_BYTES,
    analyzerTimeoutMs: raw.CUECARD_ANALYZER_TIMEOUT_MS,
    loadShedding: raw.CUECARD_LOAD_SHEDDING === 'true',
    subscriberBufferBytes: raw.CUECARD_SUBSCRIBER_BUFFER_BYTES,
    piiMode: raw.CUECARD_PII_MODE,
    piiOffLoopFromChars: raw.CUECARD_PII_OFF_LOOP_CHARS,
    piiDeadlineMs: raw.CUECARD_PII_DEADLINE_MS,
    pseudonymSecret: raw.CUECARD_PSEUDONYM_SECRET,
    retentionIntervalMs: raw.CUECARD_RETENTION_INTERVAL_MINUTES * 60_000,
    metrics: { enabled: raw.CUECARD_METRICS, token: raw.CUECARD_METRICS_TOKEN },
    requestLogs: raw.CUECARD_REQUEST_LOGS,
    logFormat:
      raw.NODE_ENV === 'production' && raw.CUECARD_LOG_FORMAT === 'auto'
        ? 'json'
        : raw.CUECARD_LOG_FORMAT,
    repeatWindowHours: raw.CUECARD_REPEAT_WINDOW_HOURS,
    webhooks: {
      allowPrivate: raw.CUECARD_WEBHOOKS_ALLOW_PRIVATE,
      timeoutMs: 10_000,
      maxResponseBytes: 65_536,
      retry: {
        baseMs: raw.CUECARD_WEBHOOK_RETRY_BASE_MS,
        maxMs: Math.max(raw.CUECARD_WEBHOOK_RETRY_MAX_MS, raw.CUECARD_WEBHOOK_RETRY_BASE_MS),
        giveUpAfterMs: raw.CUECARD_WEBHOOK_GIVE_UP_HOURS * 3_600_000,
      },
      pollMs: raw.CUECARD_WEBHOOK_POLL_MS,
    },
    work: {
      concurrency: raw.CUECARD_WORK_CONCURRENCY,
      leaseMs: raw.CUECARD_WORK_LEASE_MS,
      stopGraceMs: raw.CUECARD_STOP_GRACE_MS,
    },
    abandonAfterSeconds: Object.freeze(
      Object.fromEntries(
        raw.CUECARD_ABANDON_AFTER_MINUTES.split(',').map((pair) => {
          const [channel, minutes] = pair.split('=').map((part) => part.trim());
          return [channel!, Number(minutes) * 60];
        }),
      ),
    ),
    embeddings: {
      provider: raw.CUECARD_EMBEDDINGS,
      transformersModel: raw.CUECARD_TRANSFORMERS_MODEL,
      modelsDir: raw.CUECARD_MODELS_DIR,
      allowModelDownload: raw.CUECARD_ALLOW_MODEL_DOWNLOAD,
      modelHubUrl: raw.CUECARD_MODEL_HUB_URL,
      transformersLanguages:
        raw.CUECARD_TRANSFORMERS_LANGUAGES.toLowerCase() === 'any'
          ? 'any'
          : Object.freeze(
              raw.CUECARD_TRANSFORMERS_LANGUAGES.split(',').map((code) =>
                code.trim().toLowerCase(),
              ),
            ),
    },
    sentimentModel: raw.CUECARD_SENTIMENT_MODEL,
    llm:
      raw.OPENAI_BASE_URL && raw.CUECARD_LLM_MODEL
        ? {
            baseUrl: raw.OPENAI_BASE_URL,
            apiKey: raw.OPENAI_API_KEY,
            model: raw.CUECARD_LLM_MODEL,
            timeoutMs: raw.CUECARD_LLM_TIMEOUT_MS,
            analyzers: llmAnalyzers,
          }
        : undefined,
  };
  return Object.freeze(config);
}
