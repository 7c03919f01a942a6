import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import type { Analyzer, Finalizer } from '../pipeline/analyzer.js';
import type { Redact } from '../conversations/ingest-service.js';

export interface Capabilities {
  analyzers: Analyzer[];
  finalizers: Finalizer[];
  redact: Redact;
}

/**
 * The default (offline) capabilities in pipeline order. Each capability lives in its own module;
 * this is the one place that chooses and orders them.
 */
export async function createDefaultCapabilities(_config: Config, _db: Database): Promise<Capabilities> {
  return { analyzers: [], finalizers: [], redact: (_tenantId, text) => text };
}
