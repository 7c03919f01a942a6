import { useEffect, useRef } from 'react';
import { isTypingTarget, matchShortcut, type ShortcutTarget } from './shortcuts.js';

/**
 * The visible element a shortcut reaches. Hidden ones (a closed panel's) and empty ones (a slot
 * whose panel has nothing to show yet) do not count: the key then does nothing.
 */
function visibleTarget(name: ShortcutTarget | 'close'): HTMLElement | null {
  const candidates = document.querySelectorAll<HTMLElement>(`[data-shortcut="${name}"]`);
  for (const element of candidates) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) return element;
  }
  return null;
}

/** Fields take the focus; anything else (a button, a section) is brought into view and pressed or focused. */
function reach(element: HTMLElement): void {
  element.scrollIntoView({ block: 'nearest' });
  if (element instanceof HTMLButtonElement) element.click();
  else element.focus();
}

/**
 * Listens for the agent console's shortcuts on the whole document while mounted. Handlers are
 * read through a ref, so a re-render (every live event) does not re-register the listener.
 */
export function useAgentShortcuts(handlers: {
  switchTo: (index: number) => void;
  toggleShortcuts: () => void;
  closeShortcuts: () => boolean;
}): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      const action = matchShortcut({
        key: event.key,
        code: event.code,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        typing: isTypingTarget(event.target),
      });
      if (!action) return;
      switch (action.kind) {
        case 'target': {
          const element = visibleTarget(action.target);
          if (!element) return;
          event.preventDefault();
          reach(element);
          break;
        }
        case 'switch':
          event.preventDefault();
          latest.current.switchTo(action.index);
          break;
        case 'close': {
          if (latest.current.closeShortcuts()) break;
          const close = visibleTarget('close');
          if (close) close.click();
          break;
        }
        case 'show-shortcuts':
          event.preventDefault();
          latest.current.toggleShortcuts();
          break;
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
