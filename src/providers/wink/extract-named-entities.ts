import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * The one place that touches wink-nlp: named quantities in English text (DATE, TIME, DURATION,
 * MONEY, CARDINAL…) from its light model, which ships inside its npm package (offline).
 */
export interface NamedEntity {
  /** wink's entity type, e.g. `DATE`, `MONEY`. */
  type: string;
  /** The text the entity spans, as written. */
  value: string;
}

// Loading the model takes a moment: once per process, on first use.
let nlp: ReturnType<typeof winkNLP> | undefined;

export function extractNamedEntities(text: string): NamedEntity[] {
  nlp ??= winkNLP(model);
  const doc = nlp.readDoc(text);
  const details = doc.entities().out(nlp.its.detail) as unknown as NamedEntity[];
  return details.map(({ type, value }) => ({ type, value }));
}
