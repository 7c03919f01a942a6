import type { Queryable } from '../../stores/database.js';
import { trainResolutionRanker, type ResolutionRanker } from './resolution-ranker.js';
import { loadResolvedConversations } from './resolution-store.js';

/** Each tenant's learned ranker, trained from its own evidence only. */
export interface ResolutionRankers {
  /** The tenant's current ranker; null while it has no evidence. */
  rankerFor(tenantId: string): Promise<ResolutionRanker | null>;
  /** New evidence: retrain (debounced); the current ranker answers meanwhile. */
  refresh(tenantId: string): void;
  /** Resolves once every retraining asked for so far has finished (tests, evaluation). */
  settled(): Promise<void>;
}

export interface ResolutionRankersOptions {
  db: Queryable;
  /**
   * Retraining waits this long after new evidence (default 5 s), so a burst of feedback clicks
   * retrains once, not once per click.
   */
  debounceMs?: number;
  onError?: (error: unknown) => void;
}

interface Entry {
  ranker: Promise<ResolutionRanker | null>;
  timer?: NodeJS.Timeout;
  retraining?: Promise<void>;
}

export function createResolutionRankers(options: ResolutionRankersOptions): ResolutionRankers {
  const entries = new Map<string, Entry>();
  const pending = new Set<Promise<unknown>>();
  const train = async (tenantId: string) => {
    const examples = await loadResolvedConversations(options.db, tenantId);
    return examples.length > 0 ? trainResolutionRanker(examples) : null;
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  function retrain(tenantId: string, entry: Entry): void {
    entry.timer = undefined;
    const next = train(tenantId);
    entry.retraining = track(
      next.then(
        () => {
          // Swapped in only when ready; a failed retraining keeps the old ranker.
          entry.ranker = next;
        },
        (error: unknown) => options.onError?.(error),
      ),
    );
  }

  return {
    rankerFor(tenantId) {
      let entry = entries.get(tenantId);
      if (!entry) {
        const ranker = track(train(tenantId));
        entry = { ranker };
        entries.set(tenantId, entry);
        // A failed first training is retried on the next use.
        ranker.catch(() => entries.delete(tenantId));
      }
      return entry.ranker;
    },
    refresh(tenantId) {
      const entry = entries.get(tenantId);
      // Never used here yet: the first use trains from whatever is stored then.
      if (!entry || entry.timer) return;
      const debounceMs = options.debounceMs ?? 5_000;
      let release: () => void = () => undefined;
      void track(new Promise<void>((resolve) => (release = resolve)));
      entry.timer = setTimeout(() => {
        retrain(tenantId, entry);
        release();
      }, debounceMs);
      entry.timer.unref();
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
