import type { Database } from '../../stores/database.js';
import type { DispositionCodeSet } from './code-set.js';
import { DispositionClassifier, type DispositionSuggestion } from './disposition-classifier.js';
import { confirmedDispositions } from './disposition-store.js';

/** Conversation text as the classifier sees it: the utterances, in order. */
export function dispositionText(items: readonly { kind: string; text?: string }[]): string {
  return items
    .flatMap((item) => (item.kind === 'utterance' && item.text ? [item.text] : []))
    .join('\n');
}

/**
 * One disposition classifier per tenant: trained from the code set, then from every code an
 * agent confirmed or corrected (read back from the database, so a restart loses nothing).
 */
export function createDispositionService(db: Database, codeSet: DispositionCodeSet) {
  const classifiers = new Map<string, Promise<DispositionClassifier>>();

  async function build(tenantId: string): Promise<DispositionClassifier> {
    const classifier = new DispositionClassifier(codeSet);
    const known = new Set(codeSet.codes.map((code) => code.code));
    classifier.add(
      (await confirmedDispositions(db, tenantId))
        .filter((confirmed) => known.has(confirmed.code))
        .map((confirmed) => ({ text: confirmed.text, label: confirmed.code, weight: 2 })),
    );
    classifier.train();
    return classifier;
  }

  function classifierOf(tenantId: string): Promise<DispositionClassifier> {
    let classifier = classifiers.get(tenantId);
    if (!classifier) {
      classifier = build(tenantId);
      classifiers.set(tenantId, classifier);
      classifier.catch(
        () => classifiers.get(tenantId) === classifier && classifiers.delete(tenantId),
      );
    }
    return classifier;
  }

  return {
    codes: codeSet.codes,
    /**
     * Drops the tenant's classifier (an agent confirmed a code on another instance): the next
     * suggestion rebuilds it from every confirmation stored.
     */
    forget(tenantId: string): void {
      classifiers.delete(tenantId);
    },
    async suggest(tenantId: string, text: string): Promise<DispositionSuggestion> {
      return (await classifierOf(tenantId)).suggest(text);
    },
    /**
     * The agent's code is training data from now on. The caller stored it first, so the rebuild
     * reads it back like every other instance does: learning it in memory as well would count it
     * twice here whenever the change notice (config-changes) had already dropped the classifier.
     */
    async learn(tenantId: string, text: string, code: string): Promise<void> {
      if (!codeSet.codes.some((entry) => entry.code === code) || text.trim() === '') return;
      classifiers.delete(tenantId);
      await classifierOf(tenantId);
    },
  };
}

export type DispositionService = ReturnType<typeof createDispositionService>;
