import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { issueKey, listKeys, revokeKey, type IssuedKey, type KeyRecord } from '../api.js';
import { useSignedIn } from '../session.js';
import { DataTable } from '../components/data-table.js';
import { roleName } from '../routes.js';
import { formatDateTime } from '../qa/qa-format.js';
import type { Role } from '../live/types.js';

const ROLES: readonly Role[] = ['agent', 'supervisor', 'knowledge_manager', 'connector', 'admin'];

type Listing =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'loaded'; keys: KeyRecord[] };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The key shown once after it is issued, with a button that copies it. */
function IssuedKeyNotice({ issued, onDone }: { issued: IssuedKey; onDone(): void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () =>
    navigator.clipboard.writeText(issued.key).then(
      () => setCopied('yes'),
      // Clipboard access needs a secure context; the key stays on screen to copy by hand.
      () => setCopied('failed'),
    );
  return (
    <section className="notice issued-key" aria-labelledby="issued-key-title">
      <h2 id="issued-key-title">Key for {issued.name}</h2>
      <p>Copy it now: Cuecard keeps only its hash and cannot show it again.</p>
      <p>
        <code aria-label="Issued key">{issued.key}</code>{' '}
        <button type="button" className="button small" onClick={() => void copy()}>
          Copy
        </button>{' '}
        <span role="status">
          {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'Select the key to copy it.' : ''}
        </span>
      </p>
      <button type="button" className="button small ghost" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function CreateKeyForm({ onIssued }: { onIssued(issued: IssuedKey): void }) {
  const { key } = useSignedIn();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [agentId, setAgentId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const trimmedAgent = agentId.trim();
      onIssued(
        await issueKey(key, {
          name: name.trim(),
          role,
          ...(role === 'agent' && trimmedAgent ? { agentId: trimmedAgent } : {}),
        }),
      );
      setName('');
      setAgentId('');
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="filters" aria-label="New key" onSubmit={(event) => void submit(event)}>
      <label>
        Name
        <input
          value={name}
          required
          maxLength={200}
          placeholder="Mei Chen"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label>
        Role
        <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {roleName(option)}
            </option>
          ))}
        </select>
      </label>
      {role === 'agent' ? (
        <label>
          Agent id
          <input
            value={agentId}
            required
            maxLength={200}
            placeholder="as your connector sends it"
            onChange={(event) => setAgentId(event.target.value)}
          />
        </label>
      ) : null}
      <button type="submit" className="button primary" disabled={busy || !name.trim()}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      {problem ? (
        <p className="notice error" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

/** Admins list, create and revoke their tenant's API keys; people appear by their key's name. */
export function KeyAdmin() {
  const { key, identity } = useSignedIn();
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const reload = useCallback(
    () =>
      listKeys(key).then(
        (keys) => setListing({ status: 'loaded', keys }),
        (error: unknown) => setListing({ status: 'failed', message: messageOf(error) }),
      ),
    [key],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  async function revoke(record: KeyRecord) {
    if (!window.confirm(`Revoke the key "${record.name}"? It stops working at once.`)) return;
    setProblem(null);
    try {
      await revokeKey(key, record.id);
    } catch (error) {
      setProblem(messageOf(error));
    }
    await reload();
  }

  const keys = listing.status === 'loaded' ? listing.keys : [];
  return (
    <div className="key-admin">
      <header className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="subtitle">
            Who may use Cuecard in this tenant. Agents and people are shown by their key's name.
          </p>
        </div>
      </header>

      {issued ? <IssuedKeyNotice issued={issued} onDone={() => setIssued(null)} /> : null}
      <CreateKeyForm
        onIssued={(next) => {
          setIssued(next);
          void reload();
        }}
      />
      {listing.status === 'failed' || problem ? (
        <p className="notice error" role="alert">
          {problem ??
            (listing.status === 'failed' ? `Could not load the keys: ${listing.message}` : '')}
        </p>
      ) : null}

      <div className="table-wrap">
        <DataTable
          className="conversations"
          caption="API keys"
          columns={['Name', 'Role', 'Agent id', 'Created', 'Status', '']}
          rows={keys}
          busy={listing.status === 'loading'}
          empty={
            listing.status === 'loading'
              ? 'Loading…'
              : // After a failed load the tenant's keys are unknown, not absent.
                listing.status === 'failed'
                ? 'The keys could not be loaded.'
                : 'No keys yet.'
          }
          renderRow={(record) => (
            <tr key={record.id} className={record.revokedAt ? 'revoked' : undefined}>
              <th scope="row">{record.name}</th>
              <td>{roleName(record.role)}</td>
              <td>{record.agentId ?? '—'}</td>
              <td>{formatDateTime(record.createdAt)}</td>
              <td>{record.revokedAt ? `Revoked ${formatDateTime(record.revokedAt)}` : 'Active'}</td>
              <td>
                {record.revokedAt ? null : (
                  <button
                    type="button"
                    className="button small ghost"
                    aria-label={`Revoke ${record.name}`}
                    // Revoking the key this page runs on would lock the admin out mid-task.
                    disabled={identity.keyId === record.id}
                    onClick={() => void revoke(record)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          )}
        />
      </div>
    </div>
  );
}
