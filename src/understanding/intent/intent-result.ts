/**
 * How other analyzers, finalizers and the consoles read the intent analyzer's result. Results
 * come back from the event log as plain JSON, so each field is checked rather than trusted.
 * Two readings exist on purpose: the turn's intent (what the customer asks for right now, e.g.
 * a threat to cancel that should raise an alert) and the conversation's (what the contact is
 * about, e.g. for repeat-contact topics).
 */
export interface IntentReading {
  intent: string;
  confidence: number;
  /** How Chinese text names the intent (taxonomy `label_zh`); absent when it has no label. */
  labelZh?: string;
}

/** The label, read defensively (results stored before labels existed have none). */
const labelOf = (value: Record<string, unknown>): { labelZh?: string } =>
  typeof value.labelZh === 'string' && value.labelZh !== '' ? { labelZh: value.labelZh } : {};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The intent of the last analysed turn, when the classifier was sure enough to name one. */
export function turnIntent(result: unknown): IntentReading | undefined {
  if (!isRecord(result) || typeof result.intent !== 'string' || result.intent === '')
    return undefined;
  return {
    intent: result.intent,
    confidence: typeof result.confidence === 'number' ? result.confidence : 0,
    ...labelOf(result),
  };
}

/** The intent of the conversation so far (recency-weighted over its turns). */
export function conversationIntent(result: unknown): IntentReading | undefined {
  const conversation = isRecord(result) ? result.conversation : undefined;
  if (
    !isRecord(conversation) ||
    typeof conversation.intent !== 'string' ||
    conversation.intent === ''
  )
    return undefined;
  return {
    intent: conversation.intent,
    confidence: typeof conversation.confidence === 'number' ? conversation.confidence : 0,
    ...labelOf(conversation),
  };
}
