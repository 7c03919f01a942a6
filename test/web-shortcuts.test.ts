import { describe, expect, it } from 'vitest';
import { matchShortcut, type KeyPress } from '../web/src/agent/shortcuts.js';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  typing: false,
  ...extra,
});

describe('agent console shortcuts', () => {
  it('maps the single keys to their targets', () => {
    expect(matchShortcut(press('/'))).toEqual({ kind: 'target', target: 'search' });
    expect(matchShortcut(press('h'))).toEqual({ kind: 'target', target: 'help' });
    expect(matchShortcut(press('W'))).toEqual({ kind: 'target', target: 'wrapup' });
    expect(matchShortcut(press('?'))).toEqual({ kind: 'show-shortcuts' });
    expect(matchShortcut(press('x'))).toBeNull();
  });

  it('leaves keys typed into a field alone, except Escape and Alt+digit', () => {
    for (const key of ['/', 'h', 'w', '?'])
      expect(matchShortcut(press(key, { typing: true }))).toBeNull();
    expect(matchShortcut(press('Escape', { typing: true }))).toEqual({ kind: 'close' });
    expect(matchShortcut(press('2', { altKey: true, typing: true }))).toEqual({
      kind: 'switch',
      index: 1,
    });
  });

  it('switches by the digit key even where Alt+digit types another character (macOS)', () => {
    expect(matchShortcut(press('¡', { altKey: true, code: 'Digit1' }))).toEqual({
      kind: 'switch',
      index: 0,
    });
    expect(matchShortcut(press('0', { altKey: true, code: 'Digit0' }))).toBeNull();
  });

  it("does not take the browser's own Ctrl and Cmd combinations", () => {
    expect(matchShortcut(press('w', { ctrlKey: true }))).toBeNull();
    expect(matchShortcut(press('1', { metaKey: true }))).toBeNull();
  });
});
