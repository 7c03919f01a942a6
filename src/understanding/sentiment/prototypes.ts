import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import type { SentimentLabel } from './sentiment-model.js';

/**
 * Sentiment without training data, in embedding space: how close a text's sentence embedding is
 * to the centre of a few sentences we wrote for each label. It catches meaning the word lists
 * miss ("can't wait for the show tomorrow", "they ruined everything again") and is combined
 * with the lexicon score, never used alone. The sentences are ours, generic on purpose (social
 * posts and support calls alike); none comes from an evaluation set.
 */
export const SEED_SENTENCES: Readonly<Record<SentimentLabel, readonly string[]>> = {
  negative: [
    'This is terrible, I am so disappointed.',
    'I hate this, it is the worst.',
    'I am really angry and upset right now.',
    'What a waste of time and money.',
    'This is awful and I want my money back.',
    'I am sick and tired of this nonsense.',
    'So sad to hear this terrible news.',
    'Worst service ever, nobody helps.',
    "I can't believe how bad this is.",
    'It keeps breaking and nothing works.',
    "I'm furious, this is unacceptable.",
    'Feeling depressed and miserable today.',
    'They ruined everything again.',
    "I'm so annoyed with this company.",
    'This is a disaster, what a mess.',
    'I regret buying this, total garbage.',
    'You charged me twice and never fixed it.',
    "I'm scared and worried about what happens next.",
  ],
  neutral: [
    'The meeting is scheduled for Tuesday at 3 pm.',
    'Can you tell me the opening hours of the store?',
    'My order number is 10234.',
    'The new version will be released next month.',
    'He is going to the game on Saturday.',
    'I would like to update my billing address.',
    'The report covers sales in the third quarter.',
    'Is the update available for Android?',
    'They announced the date of the conference.',
    'Please send me the invoice by email.',
    'The train leaves from platform four.',
    'What time does the show start tomorrow?',
    'She will be speaking at the event on Friday.',
    'The company released its earnings today.',
    "I'm calling about my account.",
    'The weather forecast says rain on Sunday.',
    'Here is the link to the article.',
    'We moved the appointment to next week.',
  ],
  positive: [
    'This is great, I love it!',
    'Thank you so much, you have been very helpful.',
    'I am so happy and excited about this.',
    'What a wonderful day, feeling blessed.',
    'Amazing service, highly recommend.',
    "Can't wait for the concert tomorrow, it's going to be awesome!",
    'Congratulations on the new job, well deserved!',
    'That fixed it, perfect, thanks a lot.',
    'Best day ever with my friends.',
    'I really enjoyed the show last night.',
    'So proud of the team, great win!',
    "This is fantastic news, I'm thrilled.",
    'Love the new update, works beautifully.',
    'Have a great weekend everyone!',
    "I'm very satisfied with the result.",
    "Good luck tomorrow, you'll do great!",
    'Happy birthday, hope you have a lovely day!',
    'Really looking forward to the holidays.',
  ],
};

export interface Prototypes {
  /** Cosine similarity of a unit-length embedding to each label's centre. */
  similarities(embedding: Float32Array): Record<SentimentLabel, number>;
}

export function unitLength(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm === 0) return vector;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

function centre(vectors: readonly Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0]?.length ?? 0);
  for (const vector of vectors) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + vector[i]!;
  return unitLength(sum);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Embeds the seed sentences once (54 short sentences: well under a second). */
export async function createPrototypes(model: EmbeddingModel): Promise<Prototypes> {
  const labels = Object.keys(SEED_SENTENCES) as SentimentLabel[];
  const centres = new Map<SentimentLabel, Float32Array>();
  for (const label of labels) {
    const vectors = await model.embed(SEED_SENTENCES[label]);
    centres.set(label, centre(vectors.map(unitLength)));
  }
  return {
    similarities(embedding) {
      return {
        negative: dot(embedding, centres.get('negative')!),
        neutral: dot(embedding, centres.get('neutral')!),
        positive: dot(embedding, centres.get('positive')!),
      };
    },
  };
}
