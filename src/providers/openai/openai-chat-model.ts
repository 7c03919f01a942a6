import OpenAI from 'openai';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { ChatModel, ChatRequest, ChatStreamPart, ChatUsage } from '../spec/chat-model.js';

/**
 * ChatModel over any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server,
 * LiteLLM). Retries with backoff on 429/5xx/connection errors are the `openai` client's own
 * (it honours `retry-after`); one overall deadline bounds a call, retries included, so a hung
 * server fails fast and callers can fall back.
 */
export interface OpenAiChatModelOptions {
  baseUrl: string;
  /** Local servers usually need none. */
  apiKey?: string | undefined;
  model: string;
  /** Deadline for the whole call (all attempts, and the whole stream). */
  timeoutMs: number;
  maxRetries?: number;
}

function toUsage(
  usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
): ChatUsage | undefined {
  if (!usage) return undefined;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
}

export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // The client insists on a key; OpenAI-compatible local servers ignore it.
    apiKey: options.apiKey ?? 'not-needed',
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs,
  });

  function deadline(request: ChatRequest): AbortSignal {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    return request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  }

  function failure(error: unknown, signal: AbortSignal): CuecardError {
    if (CuecardError.isInstance(error)) return error;
    const status = error instanceof OpenAI.APIError ? error.status : undefined;
    const why = signal.aborted
      ? `no answer within ${options.timeoutMs} ms (or the request was cancelled)`
      : status !== undefined
        ? `HTTP ${status}`
        : error instanceof Error
          ? error.message
          : 'unknown error';
    return new CuecardError(
      'provider_unavailable',
      `Chat model "${options.model}" at ${options.baseUrl} failed: ${why}`,
      {
        cause: error,
        retryable: status === undefined || status === 429 || status >= 500,
        details: { model: options.model, ...(status !== undefined ? { status } : {}) },
      },
    );
  }

  function body(request: ChatRequest) {
    return {
      model: options.model,
      messages: request.messages.map((message) => ({
        role: message.role,
        content: message.content,
      })),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
  }

  return {
    id: `openai:${options.model}`,

    async generate(request) {
      const signal = deadline(request);
      try {
        const completion = await client.chat.completions.create(
          { ...body(request), stream: false },
          { signal },
        );
        return {
          text: completion.choices[0]?.message.content ?? '',
          usage: toUsage(completion.usage),
        };
      } catch (error) {
        throw failure(error, signal);
      }
    },

    async *stream(request): AsyncIterable<ChatStreamPart> {
      const signal = deadline(request);
      let text = '';
      let usage: ChatUsage | undefined;
      try {
        const stream = await client.chat.completions.create(
          { ...body(request), stream: true, stream_options: { include_usage: true } },
          { signal },
        );
        for await (const chunk of stream) {
          usage = toUsage(chunk.usage) ?? usage;
          const delta = chunk.choices[0]?.delta.content;
          if (delta) {
            text += delta;
            yield { type: 'text-delta', delta };
          }
        }
        // The client ends an aborted stream quietly; a cut-off reply must not pass as whole.
        if (signal.aborted) throw signal.reason;
      } catch (error) {
        throw failure(error, signal);
      }
      yield { type: 'finish', text, usage };
    },
  };
}
