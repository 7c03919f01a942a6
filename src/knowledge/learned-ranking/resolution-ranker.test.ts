import { describe, expect, it } from 'vitest';
import { trainResolutionRanker } from './resolution-ranker.js';
import { fuseResolutionVotes } from './resolution-fusion.js';

const resolved = (id: string, text: string, ...articles: string[]) => ({
  id,
  text,
  articles: new Map(articles.map((articleId) => [articleId, 1])),
});

const history = [
  resolved('c1', 'my package never arrived and tracking shows nothing', 'lost-parcel'),
  resolved('c2', 'the parcel is lost, tracking has not moved for a week', 'lost-parcel', 'refund'),
  resolved('c3', 'I forgot my password and cannot log in', 'reset-password'),
  resolved('c4', 'password reset email never came, cannot log in', 'reset-password'),
];

describe('the resolution ranker', () => {
  it('votes for the articles that resolved the most similar conversations, naming them', () => {
    const ranker = trainResolutionRanker(history);
    const { votes, support } = ranker.vote('tracking for my parcel has not moved, is it lost?');
    expect(votes[0]).toMatchObject({ articleId: 'lost-parcel', conversations: 2 });
    expect(votes[0]!.examples).toEqual(['c2', 'c1']);
    expect(votes.map((v) => v.articleId)).not.toContain('reset-password');
    expect(support).toBeGreaterThan(0.5);
  });

  it('has nothing to say about a conversation unlike any resolved one, or without history', () => {
    expect(trainResolutionRanker(history).vote('do you sell gift vouchers').votes).toEqual([]);
    expect(trainResolutionRanker([]).vote('my parcel is lost')).toEqual({ votes: [], support: 0 });
  });

  it('leaves the search ranking unchanged without votes, and reorders it with them', () => {
    const search = new Map([
      ['refund', 1],
      ['lost-parcel', 0.8],
      ['reset-password', 0.1],
    ]);
    expect(fuseResolutionVotes(search, { votes: [], support: 0 })).toEqual(search);
    const votes = trainResolutionRanker(history).vote('my parcel is lost, tracking shows nothing');
    const fused = fuseResolutionVotes(search, votes);
    expect([...fused].sort((a, b) => b[1] - a[1])[0]![0]).toBe('lost-parcel');
    // Only what search found is ranked: filters (language, status) stay in force.
    expect(fuseResolutionVotes(new Map([['reset-password', 1]]), votes).size).toBe(1);
  });
});

describe('the confirmed wrap-up code as evidence', () => {
  const coded = (id: string, text: string, code: string, ...articles: string[]) => ({
    ...resolved(id, text, ...articles),
    code,
  });
  // One conversation of each code was resolved with an article; the others only got their code.
  const withCodes = [
    coded(
      'c1',
      'my package never arrived and tracking shows nothing',
      'order_status',
      'lost-parcel',
    ),
    coded('c5', 'the courier did not come today, where is my delivery', 'order_status'),
    coded('c6', 'where is my delivery, the courier said it would come today', 'order_status'),
    coded('c3', 'I forgot my password and cannot log in', 'account_access', 'reset-password'),
    coded('c7', 'my account is locked after too many attempts', 'account_access'),
  ];
  const query = 'the courier did not come, where is my delivery?';

  it('votes for the articles that resolved the code of conversations like this one, naming the code', () => {
    const { votes, support } = trainResolutionRanker(withCodes).vote(query);
    expect(votes[0]).toMatchObject({
      articleId: 'lost-parcel',
      code: 'order_status',
      conversations: 1,
      examples: ['c1'],
    });
    expect(support).toBeGreaterThan(0.5);
    // Without the codes the same history has only a faint say (no resolved conversation like it).
    const uncoded = withCodes.map(({ code: _code, ...rest }) => rest);
    expect(trainResolutionRanker(uncoded).vote(query).support).toBeLessThan(support / 2);
  });

  it('applies later confirmations in place, as a fit on them would vote', () => {
    const ranker = trainResolutionRanker(withCodes.slice(0, 1).concat(withCodes.slice(3)));
    expect(ranker.vote(query).votes[0]?.code).toBeUndefined();
    ranker.applyCodes([
      { id: 'c5', code: 'order_status', text: withCodes[1]!.text },
      { id: 'c6', code: 'order_status', text: withCodes[2]!.text },
    ]);
    expect(ranker).toMatchObject({ size: 2, coded: 5, indexed: 5 });
    expect(ranker.vote(query).votes[0]).toMatchObject({
      articleId: 'lost-parcel',
      code: 'order_status',
    });
    // A correction moves the conversation to its new code: that code resolved with another article.
    ranker.applyCodes([
      { id: 'c5', code: 'account_access', text: null },
      { id: 'c6', code: 'account_access', text: null },
    ]);
    expect(ranker.vote(query).votes[0]).toMatchObject({
      articleId: 'reset-password',
      code: 'account_access',
    });
  });

  it('has nothing to say with codes but no article evidence', () => {
    const onlyCodes = withCodes.map((example) => ({ ...example, articles: new Map() }));
    expect(trainResolutionRanker(onlyCodes).vote(query)).toEqual({ votes: [], support: 0 });
  });
});
