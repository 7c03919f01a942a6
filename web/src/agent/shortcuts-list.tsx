import { SHORTCUTS } from './shortcuts.js';

/** The shortcuts, listed where the agent can find them ("Shortcuts" in the header, or "?"). */
export function ShortcutsList({ onClose }: { onClose: () => void }) {
  return (
    <section className="shortcuts-list" id="agent-shortcuts" aria-labelledby="shortcuts-title">
      <div className="shortcuts-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="button small ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <dl>
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{shortcut.label}</dd>
          </div>
        ))}
      </dl>
      <p className="meta">Keys typed into a text field stay text.</p>
    </section>
  );
}
