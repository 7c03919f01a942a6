import type { Queryable } from '../../stores/database.js';
import { trainResolutionRanker, type ResolutionRanker } from './resolution-ranker.js';
import {
  codeConfirmationsSince,
  loadResolvedConversations,
  resolutionMark,
  type ResolutionMark,
} from './resolution-store.js';

/** Each tenant's learned ranker, trained from its own evidence only. */
export interface ResolutionRankers {
  /** The tenant's current ranker; null while it has no evidence. */
  rankerFor(tenantId: string): Promise<ResolutionRanker | null>;
  /**
   * New evidence: retrain (debounced); the current ranker answers meanwhile. Codes confirmed
   * since the last look are applied in place when nothing else changed (no refit).
   */
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

interface Trained {
  ranker: ResolutionRanker | null;
  /** Where the evidence stood when it was trained (or last updated in place). */
  mark: ResolutionMark;
  /** Conversations the fit saw; the ranker refits once those added since outgrow them. */
  fitted: number;
}

interface Entry {
  trained: Promise<Trained>;
  timer?: NodeJS.Timeout;
  retraining?: Promise<void>;
}

/**
 * A transaction that began before the last look may commit after it: codes confirmed this
 * long before it are read again (applying a code twice changes nothing).
 */
const CODE_OVERLAP_MS = 60_000;
/**
 * Conversations added without a refit before the ranker refits: a quarter of those fitted, and
 * at least a hundred (a refit per few confirmations is what the in-place update avoids).
 */
const MAX_UNFITTED_SHARE = 0.25;
const MIN_UNFITTED_BEFORE_REFIT = 100;

export function createResolutionRankers(options: ResolutionRankersOptions): ResolutionRankers {
  const entries = new Map<string, Entry>();
  const pending = new Set<Promise<unknown>>();
  const train = async (tenantId: string): Promise<Trained> => {
    // Read first: whatever is written while loading is newer than the mark, and seen next time.
    const mark = await resolutionMark(options.db, tenantId);
    const examples = await loadResolvedConversations(options.db, tenantId);
    const ranker = examples.length > 0 ? trainResolutionRanker(examples) : null;
    return { ranker, mark, fitted: ranker?.indexed ?? 0 };
  };
  /**
   * New codes only (no article evidence changed, none removed): applied to the current ranker in
   * place. Anything else refits.
   */
  const update = async (tenantId: string, current: Trained): Promise<Trained> => {
    const mark = await resolutionMark(options.db, tenantId);
    const { ranker } = current;
    if (!ranker || mark.evidence !== current.mark.evidence || mark.codes < current.mark.codes)
      return train(tenantId);
    const since = new Date(current.mark.at.getTime() - CODE_OVERLAP_MS);
    ranker.applyCodes(await codeConfirmationsSince(options.db, tenantId, since));
    // Their words weigh by the fit's IDF (unseen ones by an estimate): refit once they are many.
    const unfitted = ranker.indexed - current.fitted;
    if (unfitted > Math.max(MIN_UNFITTED_BEFORE_REFIT, MAX_UNFITTED_SHARE * current.fitted))
      return train(tenantId);
    return { ranker, mark, fitted: current.fitted };
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  function retrain(tenantId: string, entry: Entry): void {
    entry.timer = undefined;
    const next = entry.trained.then(
      (current) => update(tenantId, current),
      () => train(tenantId),
    );
    entry.retraining = track(
      next.then(
        () => {
          // Swapped in only when ready; a failed retraining keeps the old ranker.
          entry.trained = next;
        },
        (error: unknown) => options.onError?.(error),
      ),
    );
  }

  return {
    rankerFor(tenantId) {
      let entry = entries.get(tenantId);
      if (!entry) {
        const trained = track(train(tenantId));
        entry = { trained };
        entries.set(tenantId, entry);
        // A failed first training is retried on the next use.
        trained.catch(() => entries.delete(tenantId));
      }
      return entry.trained.then((trained) => trained.ranker);
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
