import { describe, expect, it } from 'vitest';
import { createStatementQueue } from './statement-queue.js';

describe('statement queue', () => {
  it('runs interactive statements before waiting background ones, but never starves them', () => {
    const queue = createStatementQueue<string>(100);
    queue.push('search-1', 'background', 0);
    queue.push('search-2', 'background', 0);
    queue.push('event-insert', 'interactive', 10);
    queue.push('state-update', 'interactive', 20);
    queue.push('item-insert', 'interactive', 20);
    expect(queue.next(false, 30)).toBe('event-insert');
    // search-1 has waited 100 ms with no background statement running: it goes next.
    expect(queue.next(false, 100)).toBe('search-1');
    // search-1 ended at 150: search-2 waits another 100 ms while interactive work is queued.
    expect(queue.next(false, 150)).toBe('state-update');
    expect(queue.next(false, 160)).toBe('item-insert');
    expect(queue.next(false, 170)).toBe('search-2');
    expect(queue.next(false, 180)).toBeUndefined();
  });

  it('lets a long background statement be followed by interactive work, not by more searches', () => {
    const queue = createStatementQueue<string>(100);
    queue.push('search-1', 'background', 0);
    expect(queue.next(false, 0)).toBe('search-1');
    queue.push('search-2', 'background', 1);
    queue.push('event-insert', 'interactive', 5);
    // search-1 ran for 500 ms: search-2 waited that long, but a search just had its turn.
    expect(queue.next(false, 500)).toBe('event-insert');
    expect(queue.next(false, 501)).toBe('search-2');
  });

  it('runs nothing but the open transaction, and close only when all else is done', () => {
    const queue = createStatementQueue<string>(100);
    queue.push('close', 'close', 0);
    queue.push('event-insert', 'interactive', 0);
    // The transaction is open but its next statement has not arrived yet: wait for it.
    expect(queue.next(true, 1)).toBeUndefined();
    queue.push('tx-insert', 'transaction', 2);
    expect(queue.next(true, 3)).toBe('tx-insert');
    expect(queue.next(false, 4)).toBe('event-insert');
    expect(queue.next(false, 5)).toBe('close');
    expect(queue.size).toBe(0);
  });
});
