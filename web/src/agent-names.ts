import { useCallback, useEffect, useState } from 'react';
import { listAgentNames } from './api.js';
import { useSignedIn } from './session.js';

/**
 * Agent ids are routing labels; people are shown by the name of their agent key. Each page
 * loads the names once; an id without a key (a connector sent it) is shown as it is.
 */
export function useAgentNames(): (agentId: string | null) => string {
  const { key } = useSignedIn();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let cancelled = false;
    listAgentNames(key).then(
      (agents) => {
        if (!cancelled) setNames(new Map(agents.map((agent) => [agent.agentId, agent.name])));
      },
      // Without names the ids still say who it was; the page's own data matters more.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return useCallback(
    (agentId: string | null) => (agentId === null ? '—' : (names.get(agentId) ?? agentId)),
    [names],
  );
}
