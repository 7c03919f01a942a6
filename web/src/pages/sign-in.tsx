import { useState, type FormEvent } from 'react';
import { useSession } from '../session.js';

/** Sign-in with an API key. The role decides which consoles the navigation offers. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const { session, signIn } = useSession();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const problem = session.status === 'signed-out' ? session.problem : undefined;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!key.trim()) return;
    setBusy(true);
    const next = await signIn(key);
    setBusy(false);
    if (next.status === 'signed-in') onSignedIn();
  }

  return (
    <div className="sign-in">
      <form
        className="sign-in-card"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="sign-in-title"
      >
        <p className="brand large" aria-hidden="true">
          <span className="brand-mark">C</span> Cuecard
        </p>
        <h1 id="sign-in-title">Sign in</h1>
        <p className="subtitle">
          Use the API key your administrator gave you. On a development install, `npm start` prints
          one per role.
        </p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby={problem ? 'sign-in-problem' : undefined}
          aria-invalid={problem ? true : undefined}
        />
        {problem ? (
          <p id="sign-in-problem" className="notice error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" className="button primary wide" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="meta">The key is kept in this browser until you sign out.</p>
      </form>
    </div>
  );
}
