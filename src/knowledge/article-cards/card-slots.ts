import type { SearchResult } from '../search.js';

/**
 * What a card is about, i.e. which slot of the agent's card list it takes (issue 19: at most one
 * new card per topic). The live intent names the topic when the classifier is confident of it
 * ("report_outage" holds both the router-setup and the outage articles); without one, the
 * article's own first tag does ("outages"). Both are language-neutral, so a Mandarin call's
 * cards group exactly like an English call's.
 */
export interface CardTopic {
  intent: string | null;
  tag: string | null;
}

/** One topic's place in the card list: the card now in it, and every topic it has stood for. */
export interface CardSlot {
  intent: string | null;
  /** The first tags of the articles it has held: the topic when there is no intent. */
  tags: string[];
  articleId: string;
  /** All tags of the article now in it: what a newcomer must share to be "of the same kind". */
  articleTags: string[];
  suggestionId: string;
}

/** A new card as the slots keep it. */
export interface PlacedCard {
  articleId: string;
  articleTags: string[];
  suggestionId: string;
}

export function cardTopic(
  liveIntent: string | null,
  article: Pick<SearchResult, 'tags'>,
): CardTopic {
  return { intent: liveIntent, tag: article.tags[0] ?? null };
}

/**
 * The slot a card of this topic belongs in, if the conversation has one. Two intents decide alone
 * (a refund request is not a billing dispute, though both articles are tagged "billing"); when
 * either side has no confident intent, the article's tag does.
 */
export function slotFor(slots: readonly CardSlot[], topic: CardTopic): CardSlot | undefined {
  return slots.find((slot) =>
    slot.intent !== null && topic.intent !== null
      ? slot.intent === topic.intent
      : topic.tag !== null && slot.tags.includes(topic.tag),
  );
}

type Ranked = readonly Pick<SearchResult, 'articleId' | 'confidence'>[];

/** Position in a ranking; absent ranks after everything. */
const rankIn = (ranking: Ranked, articleId: string) => {
  const index = ranking.findIndex((result) => result.articleId === articleId);
  return index === -1 ? Number.POSITIVE_INFINITY : index;
};

/**
 * Whether a new article is a better card for a topic than the one on screen; if not, it is not
 * shown at all (the agent never gets a second card for one topic). Two conditions:
 *
 * - What the customer says now fits it better: it leads a search of this turn (`search`) in
 *   which the card on screen is less confident or absent ("it just doesn't connect" after "the
 *   router light is blinking red": the outage article, not router setup).
 * - It belongs to the topic rather than to a stray word of the turn: the search of the whole
 *   conversation (`window`, live intent included) ranks it ahead of the card on screen, or it
 *   shares a tag with it (the same kind of article, refining the same need). "Will I get
 *   anything for the lost day?" in an outage call leads with delivery times ("lost" parcels):
 *   ranked nowhere by the conversation and tagged shipping, it does not replace the outage card.
 */
export function replacesIncumbent(
  candidate: Pick<SearchResult, 'articleId' | 'confidence' | 'tags'>,
  search: Ranked,
  window: Ranked,
  incumbent: CardSlot,
): boolean {
  const held = search.find((result) => result.articleId === incumbent.articleId);
  const fitsNow = candidate.confidence > (held?.confidence ?? 0);
  const conversationPrefers =
    rankIn(window, candidate.articleId) < rankIn(window, incumbent.articleId);
  const sameKind = candidate.tags.some((tag) => incumbent.articleTags.includes(tag));
  return fitsNow && (conversationPrefers || sameKind);
}

/** The slots after a new card: a new slot, or the replaced one now holding the new article. */
export function placeCard(
  slots: readonly CardSlot[],
  topic: CardTopic,
  card: PlacedCard,
  replaced: CardSlot | undefined,
): CardSlot[] {
  if (!replaced) {
    return [...slots, { intent: topic.intent, tags: topic.tag ? [topic.tag] : [], ...card }];
  }
  return slots.map((slot) =>
    slot === replaced
      ? {
          intent: slot.intent ?? topic.intent,
          tags: topic.tag && !slot.tags.includes(topic.tag) ? [...slot.tags, topic.tag] : slot.tags,
          ...card,
        }
      : slot,
  );
}

export function readSlots(value: unknown): CardSlot[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const slot = entry as Partial<CardSlot>;
    if (typeof slot.articleId !== 'string' || typeof slot.suggestionId !== 'string') return [];
    return [
      {
        intent: typeof slot.intent === 'string' ? slot.intent : null,
        tags: strings(slot.tags),
        articleId: slot.articleId,
        articleTags: strings(slot.articleTags),
        suggestionId: slot.suggestionId,
      },
    ];
  });
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
