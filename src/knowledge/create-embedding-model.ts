/**
 * Kept so that existing imports (`npm run kb`, the evaluations) go on working: the one factory
 * now lives with the providers, and embeds in worker threads everywhere.
 */
export { createEmbeddingModel } from '../providers/create-embedding-model.js';
