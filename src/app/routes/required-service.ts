import { CuecardError } from '../../errors/cuecard-error.js';

/** A capability a route needs; a server assembled without it answers 503 saying which. */
export function requiredService<T>(service: T | undefined, missing: string): T {
  if (service === undefined) {
    throw new CuecardError('provider_unavailable', `${missing} on this server.`);
  }
  return service;
}
