import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to an embedded database with a development tenant', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      devTenant: true,
      piiMode: 'mask',
      llm: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every bad value at once and says how to fix it', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CUECARD_PII_MODE: 'shred' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="eighty"/);
    expect(problems).toMatch(/DATABASE_URL="mysql:\/\/x": must start with postgres/);
    expect(problems).toMatch(/CUECARD_PII_MODE="shred"/);
    expect((error as Error).message).toMatch(/README/);
  });

  it('turns on the LLM only with a base URL and a model', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' })).toThrow(
      /CUECARD_LLM_MODEL/,
    );
    const config = loadConfig({
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      CUECARD_LLM_MODEL: 'llama3',
    });
    expect(config.llm).toMatchObject({ baseUrl: 'http://127.0.0.1:8000/v1', model: 'llama3' });
  });

  it('lets live analyzers ask the LLM only when one is configured, naming the allowed ones', () => {
    expect(() => loadConfig({ CUECARD_LLM_ANALYZERS: 'intent' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadConfig({ CUECARD_LLM_ANALYZERS: 'intent,summary' })).toThrow(
      /intent, sentiment/,
    );
    const config = loadConfig({
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      CUECARD_LLM_MODEL: 'llama3',
      CUECARD_LLM_ANALYZERS: 'sentiment, intent',
    });
    expect([...config.llm!.analyzers].sort()).toEqual(['intent', 'sentiment']);
    expect(loadConfig({}).llm).toBeUndefined();
  });
});
