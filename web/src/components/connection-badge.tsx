import type { ConnectionState } from '../live/subscription.js';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Not available',
};

export function ConnectionBadge({
  state,
  detail,
}: {
  state: ConnectionState;
  detail?: string | undefined;
}) {
  return (
    <span
      className={`connection connection-${state}`}
      role="status"
      aria-live="polite"
      title={detail}
    >
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
      {state === 'refused' && detail ? `: ${detail}` : ''}
    </span>
  );
}
