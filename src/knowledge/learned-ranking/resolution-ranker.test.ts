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
