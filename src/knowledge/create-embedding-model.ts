import type { Config } from '../config/config.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { CuecardError } from '../errors/cuecard-error.js';

/**
 * The configured embedding model. Providers load lazily, so the default offline path never
 * imports a vendor SDK it does not use.
 */
export async function createEmbeddingModel(config: Config): Promise<EmbeddingModel> {
  switch (config.embeddings.provider) {
    case 'local': {
      const { createUseEmbeddingModel } = await import('../providers/local/use-embedding-model.js');
      return createUseEmbeddingModel();
    }
    case 'transformers':
      throw new CuecardError(
        'provider_unavailable',
        'CUECARD_EMBEDDINGS=transformers is not available yet in this build; use local or openai',
      );
    case 'openai': {
      if (!config.llm) throw new CuecardError('validation_failed', 'CUECARD_EMBEDDINGS=openai needs OPENAI_BASE_URL');
      const { createOpenAiEmbeddingModel } = await import('../providers/openai/openai-embedding-model.js');
      return createOpenAiEmbeddingModel({ baseUrl: config.llm.baseUrl, apiKey: config.llm.apiKey });
    }
  }
}
