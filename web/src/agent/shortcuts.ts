/**
 * The agent console's keyboard shortcuts: one registry, shown in the page and matched here. A
 * shortcut whose target is not on the page does nothing, so panels mount and unmount freely: a
 * panel opts in by carrying `data-shortcut="<target>"` on the element the key should reach.
 */
export type ShortcutTarget = 'search' | 'help' | 'wrapup';

export type ShortcutAction =
  /** Focus the target (an input) or press it (a button). */
  | { kind: 'target'; target: ShortcutTarget }
  /** Show the conversation at this 0-based tab position. */
  | { kind: 'switch'; index: number }
  /** Close the open drawer or dialog (the element with `data-shortcut="close"`). */
  | { kind: 'close' }
  | { kind: 'show-shortcuts' };

export interface Shortcut {
  /** As the list shows it: "/", "Alt+1…9". */
  keys: string;
  label: string;
}

/** What the page lists; the order is the order of the list. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: '/', label: 'Search knowledge' },
  { keys: 'h', label: 'Ask for help' },
  { keys: 'w', label: 'Go to wrap-up' },
  { keys: 'Alt+1…9', label: 'Switch conversation' },
  { keys: 'Esc', label: 'Close a drawer' },
  { keys: '?', label: 'Show shortcuts' },
];

/** The parts of a KeyboardEvent the matcher reads: tests pass plain objects. */
export interface KeyPress {
  key: string;
  /** KeyboardEvent.code: Alt+digit types other characters on macOS, the code stays "Digit1". */
  code?: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** Whether the key goes into a text field (see isTypingTarget). */
  typing: boolean;
}

const TYPING_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton']);

/** Keys typed into a field are text, not commands: "/" in a reply draft stays a slash. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type);
  }
  return TYPING_ROLES.has(target.getAttribute('role') ?? '');
}

const LETTERS: Record<string, ShortcutTarget> = { h: 'help', w: 'wrapup' };

function digit(press: KeyPress): number | null {
  const fromCode = /^(?:Digit|Numpad)([1-9])$/.exec(press.code ?? '')?.[1];
  const fromKey = /^[1-9]$/.test(press.key) ? press.key : undefined;
  const value = fromCode ?? fromKey;
  return value ? Number(value) : null;
}

/** The action a key press asks for, or null when it is not a shortcut here. */
export function matchShortcut(press: KeyPress): ShortcutAction | null {
  // Escape leaves a field too: closing a drawer is what it means everywhere.
  if (press.key === 'Escape') return { kind: 'close' };
  if (press.ctrlKey || press.metaKey) return null;
  if (press.altKey) {
    const index = digit(press);
    return index === null ? null : { kind: 'switch', index: index - 1 };
  }
  if (press.typing) return null;
  if (press.key === '/') return { kind: 'target', target: 'search' };
  if (press.key === '?') return { kind: 'show-shortcuts' };
  const target = LETTERS[press.key.toLowerCase()];
  return target ? { kind: 'target', target } : null;
}
