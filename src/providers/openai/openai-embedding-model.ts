import OpenAI from 'openai';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { EmbeddingModel } from '../spec/embedding-model.js';

/** EmbeddingModel over any OpenAI-compatible `/v1/embeddings` endpoint. */
export interface OpenAiEmbeddingModelOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Default text-embedding-3-small. */
  model?: string;
  /** Must match what the server returns; requested explicitly when the model supports it. */
  dimensions?: number;
  timeoutMs?: number;
  batchSize?: number;
}

export function createOpenAiEmbeddingModel(options: OpenAiEmbeddingModelOptions): EmbeddingModel {
  const model = options.model ?? 'text-embedding-3-small';
  const dimensions = options.dimensions ?? 1536;
  const batchSize = options.batchSize ?? 64;
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey ?? 'not-needed',
    timeout: options.timeoutMs ?? 15_000,
    maxRetries: 2,
  });
  return {
    id: `openai/${model}/${dimensions}`,
    dimensions,
    languages: 'any',
    async embed(texts, { signal } = {}) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const input = texts
          .slice(start, start + batchSize)
          .map((text) => (text.trim() === '' ? ' ' : text));
        let response;
        try {
          response = await client.embeddings.create(
            { model, input, dimensions, encoding_format: 'float' },
            signal ? { signal } : {},
          );
        } catch (error) {
          throw new CuecardError(
            'provider_unavailable',
            `Embedding request to ${options.baseUrl} failed; check OPENAI_BASE_URL and the model name`,
            {
              cause: error,
              retryable: true,
            },
          );
        }
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        for (const item of ordered) {
          if (item.embedding.length !== dimensions) {
            throw new CuecardError(
              'provider_unavailable',
              `Embedding model ${model} returned ${item.embedding.length} dimensions, expected ${dimensions}`,
            );
          }
          out.push(Float32Array.from(item.embedding));
        }
      }
      return out;
    },
  };
}
