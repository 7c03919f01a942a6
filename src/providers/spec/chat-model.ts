/** A generative chat model (an OpenAI-compatible endpoint in practice). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatRequest {
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export type ChatStreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'finish'; text: string; usage: ChatUsage | undefined };

export interface ChatModel {
  readonly id: string;
  generate(request: ChatRequest): Promise<{ text: string; usage: ChatUsage | undefined }>;
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}
