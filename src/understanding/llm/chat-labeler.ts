import { z } from 'zod';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { renderPrompt } from '../../prompts/prompt-template.js';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * Labels a text with an OpenAI-compatible chat model, for deployments that have one: intent
 * from the tenant's taxonomy, sentiment with a score. The prompt is a versioned file in
 * `prompts/`; the reply must be JSON naming one of the given labels, anything else is an error
 * the caller answers by falling back to its offline model.
 */
export interface LabelChoice {
  label: string;
  description?: string | undefined;
  examples?: readonly string[] | undefined;
}

export interface ChatLabel {
  /** One of the choices, or `null` when the model said none fits. */
  label: string | null;
  confidence: number;
  /** A signed score when the prompt asks for one (sentiment), clamped to [-1, 1]. */
  score: number | undefined;
  promptVersion: string;
}

export interface ChatLabelRequest {
  promptVersion: string;
  choices: readonly LabelChoice[];
  text: string;
  /** Earlier turns, oldest first, already redacted. */
  context?: readonly string[];
  signal?: AbortSignal | undefined;
}

const reply = z.object({
  label: z.string(),
  confidence: z.coerce.number().optional(),
  score: z.coerce.number().optional(),
});

// Long taxonomies stay within a small model's context: a few examples per choice are enough.
const examplesPerChoice = 3;
const contextTurns = 6;

function describeChoice(choice: LabelChoice): string {
  const examples = (choice.examples ?? []).slice(0, examplesPerChoice).map((e) => `"${e}"`);
  const description = choice.description ? `: ${choice.description}` : '';
  return `- ${choice.label}${description}${examples.length ? ` (${examples.join('; ')})` : ''}`;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export async function labelWithChatModel(
  chatModel: ChatModel,
  request: ChatLabelRequest,
): Promise<ChatLabel> {
  const prompt = await renderPrompt(request.promptVersion, {
    choices: request.choices.map(describeChoice).join('\n'),
    context: (request.context ?? []).slice(-contextTurns).join('\n'),
    text: request.text,
  });
  const { text } = await chatModel.generate({
    messages: [{ role: 'user', content: prompt }],
    temperature: 0,
    maxTokens: 60,
    signal: request.signal,
  });
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  let parsed: z.infer<typeof reply> | undefined;
  try {
    parsed = json === undefined ? undefined : reply.parse(JSON.parse(json));
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    throw new CuecardError(
      'provider_reply_invalid',
      'The chat model did not answer with a JSON label.',
      {
        retryable: true,
      },
    );
  }
  const wanted = parsed.label.trim().toLowerCase();
  const choice = request.choices.find((c) => c.label.toLowerCase() === wanted);
  if (!choice && wanted !== 'none') {
    throw new CuecardError(
      'provider_reply_invalid',
      'The chat model answered a label not in the list.',
      {
        retryable: true,
      },
    );
  }
  return {
    label: choice?.label ?? null,
    confidence: clamp(Number.isFinite(parsed.confidence) ? parsed.confidence! : 0.5, 0, 1),
    score:
      parsed.score === undefined || !Number.isFinite(parsed.score)
        ? undefined
        : clamp(parsed.score, -1, 1),
    promptVersion: request.promptVersion,
  };
}

/** Why an LLM answer was not used, in the words the events use (`fallbackReason`). */
export function llmFallbackReason(
  error: unknown,
): 'llm_reply_invalid' | 'llm_timeout' | 'llm_unavailable' {
  if (CuecardError.isInstance(error) && error.code === 'provider_reply_invalid') {
    return 'llm_reply_invalid';
  }
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'llm_timeout' : 'llm_unavailable';
}
