import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * Named quantities in English text (dates, times, durations, money...), via wink-nlp's light
 * model that ships inside its npm package. Only this file imports wink-nlp.
 */
export interface TextEntity {
  type: string;
  value: string;
}

let nlp: ReturnType<typeof winkNLP> | undefined;

export function extractEntities(text: string): TextEntity[] {
  nlp ??= winkNLP(model);
  const doc = nlp.readDoc(text);
  const details = doc.entities().out(nlp.its.detail) as unknown as {
    type: string;
    value: string;
  }[];
  return details.map((entity) => ({
    type: entity.type,
    value: entity.value.replace(/[.,;:]+$/, ''),
  }));
}
