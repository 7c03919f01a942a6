import path from 'node:path';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import {
  restoreIntentClassifier,
  trainIntentClassifier,
  type TrainedIntentClassifier,
} from './intent-classifier.js';
import {
  intentModelKey,
  intentModelFileName,
  loadIntentModel,
  saveIntentModel,
} from './intent-model-file.js';
import type { IntentStore } from './intent-store.js';
import { taxonomyExamples, type IntentTaxonomy } from './taxonomy.js';

export interface TrainedIntents {
  classifier: TrainedIntentClassifier;
  /** Taxonomy version it was trained from; `null` for the built-in default taxonomy. */
  version: number | null;
  taxonomyName: string;
  /** The intents it was trained on, with descriptions and examples (an LLM labeler reads them). */
  taxonomy: IntentTaxonomy;
  trainedAt: string;
  trainingMs: number;
}

/**
 * One trained classifier per tenant, held in memory. A retrain builds the new model beside the
 * old one and swaps the reference in one assignment, so predictions never see a half-trained
 * model and never wait for training.
 */
export interface IntentClassifierCache {
  /** The tenant's current classifier, training it on first use. */
  get(tenantId: string): Promise<TrainedIntents>;
  /** Trains from the tenant's latest taxonomy and swaps it in; returns the new model. */
  retrain(tenantId: string): Promise<TrainedIntents>;
  /**
   * The taxonomy may have changed elsewhere (another instance saved it): when the latest stored
   * version is not the one in use, retrains and swaps it in. The old model answers meanwhile.
   */
  refresh(tenantId: string): Promise<void>;
  /** Drops a tenant's model (e.g. when the tenant is deleted). */
  forget(tenantId: string): void;
  /** Trains the shared default-taxonomy model now, so that no first live turn waits for it. */
  warmUp(): Promise<void>;
}

export interface IntentClassifierCacheOptions {
  store: IntentStore;
  /** Used for tenants that have not saved a taxonomy yet. */
  defaultTaxonomy: IntentTaxonomy;
  embeddingModel?: EmbeddingModel | undefined;
  /**
   * Folder where the default-taxonomy model is saved once trained, so that a restart with the
   * same taxonomy and embedding model loads it instead of training again. Absent: always train.
   */
  modelDir?: string | undefined;
  /**
   * Folder of models shipped with the code (`scripts/build-shipped-models.ts` writes them):
   * read-only, and used only when its file's key matches, i.e. trained from exactly this
   * taxonomy, embedding model and training code. Spares the first start the training (decision
   * 0025).
   */
  shippedModelDir?: string | undefined;
}

export function createIntentClassifierCache(
  options: IntentClassifierCacheOptions,
): IntentClassifierCache {
  const current = new Map<string, TrainedIntents>();
  // In-flight trainings, so that concurrent first calls train once.
  const pending = new Map<string, Promise<TrainedIntents>>();
  // Bumped by every retrain: a slower, older training must not overwrite a newer result.
  const generation = new Map<string, number>();

  // Tenants without a taxonomy of their own share one model of the default taxonomy.
  let defaultModel: Promise<TrainedIntents> | undefined;
  const trainDefault = (): Promise<TrainedIntents> => {
    defaultModel ??= loadOrTrainDefault();
    defaultModel.catch(() => (defaultModel = undefined));
    return defaultModel;
  };

  const train = async (tenantId: string): Promise<TrainedIntents> => {
    const stored = await options.store.load(tenantId);
    return stored ? trainFrom(stored, stored.version) : trainDefault();
  };

  const trainFrom = async (
    taxonomy: IntentTaxonomy,
    version: number | null,
  ): Promise<TrainedIntents> => {
    const started = Date.now();
    const classifier = await trainIntentClassifier(taxonomyExamples(taxonomy), {
      embeddingModel: options.embeddingModel,
      ...(taxonomy.minConfidence !== undefined ? { minConfidence: taxonomy.minConfidence } : {}),
    });
    return {
      classifier,
      version,
      taxonomyName: taxonomy.name,
      taxonomy,
      trainedAt: new Date().toISOString(),
      trainingMs: Date.now() - started,
    };
  };

  const loadOrTrainDefault = async (): Promise<TrainedIntents> => {
    const taxonomy = options.defaultTaxonomy;
    if (!options.modelDir && !options.shippedModelDir) return trainFrom(taxonomy, null);
    const name = intentModelFileName(
      'default',
      intentModelKey(taxonomy, options.embeddingModel?.id ?? null),
    );
    for (const directory of [options.modelDir, options.shippedModelDir]) {
      const restored = directory && (await restoreSaved(path.join(directory, name)));
      if (restored) return restored;
    }
    const trained = await trainFrom(taxonomy, null);
    if (options.modelDir) {
      // A cache that cannot be written (read-only disk) only costs the next start a retrain.
      await saveIntentModel(path.join(options.modelDir, name), {
        parameters: trained.classifier.toParameters(),
        trainedAt: trained.trainedAt,
        trainingMs: trained.trainingMs,
      }).catch(() => undefined);
    }
    return trained;
  };

  const restoreSaved = async (file: string): Promise<TrainedIntents | undefined> => {
    const saved = await loadIntentModel(file);
    if (!saved) return undefined;
    try {
      const classifier = restoreIntentClassifier(saved.parameters, {
        embeddingModel: options.embeddingModel,
      });
      return {
        classifier,
        version: null,
        taxonomyName: options.defaultTaxonomy.name,
        taxonomy: options.defaultTaxonomy,
        trainedAt: saved.trainedAt,
        trainingMs: saved.trainingMs,
      };
    } catch {
      // Parameters that do not fit (e.g. a hand-edited file): the caller trains afresh.
      return undefined;
    }
  };

  const start = (tenantId: string): Promise<TrainedIntents> => {
    const ticket = (generation.get(tenantId) ?? 0) + 1;
    generation.set(tenantId, ticket);
    const promise = train(tenantId)
      .then((trained) => {
        if (generation.get(tenantId) === ticket) current.set(tenantId, trained);
        return trained;
      })
      .finally(() => {
        if (pending.get(tenantId) === promise) pending.delete(tenantId);
      });
    pending.set(tenantId, promise);
    return promise;
  };

  return {
    warmUp: () => trainDefault().then(() => undefined),
    async get(tenantId) {
      return current.get(tenantId) ?? pending.get(tenantId) ?? start(tenantId);
    },
    retrain(tenantId) {
      return start(tenantId);
    },
    async refresh(tenantId) {
      // Nothing trained for this tenant here yet: its first use reads the latest taxonomy.
      if (!current.has(tenantId) && !pending.has(tenantId)) return;
      const latest = (await options.store.versions(tenantId)).at(-1)?.version ?? null;
      // A training in flight (e.g. this instance's own save) may already be of the latest.
      await pending.get(tenantId)?.catch(() => undefined);
      if (current.get(tenantId)?.version === latest) return;
      await start(tenantId);
    },
    forget(tenantId) {
      current.delete(tenantId);
      pending.delete(tenantId);
      generation.set(tenantId, (generation.get(tenantId) ?? 0) + 1);
    },
  };
}
