import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { errorSummary } from '../../errors/error-summary.js';

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function sameToken(sent: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/**
 * `GET /metrics` in the Prometheus text format. With CUECARD_METRICS_TOKEN, only a scraper that
 * sends it as a bearer token is answered; with CUECARD_METRICS=true and no token, anyone who
 * reaches the port is (keep it private); otherwise the path does not exist. API keys are not
 * accepted: a scraper's credential should open metrics and nothing else.
 */
export function registerMetricsRoutes(app: FastifyInstance, services: Services): void {
  const { enabled, token } = services.config.metrics;
  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Prometheus metrics (see README, "Metrics")' } },
    async (request, reply) => {
      if (!enabled && token === undefined)
        throw new CuecardError(
          'not_found',
          'Metrics are off: set CUECARD_METRICS_TOKEN or CUECARD_METRICS=true.',
        );
      if (token !== undefined) {
        const sent = bearer(request);
        if (!sent || !sameToken(sent, token))
          throw new CuecardError(
            'unauthenticated',
            'Send the metrics token: "Authorization: Bearer <CUECARD_METRICS_TOKEN>".',
          );
      }
      const text = await services.metrics.render((name, error) =>
        request.log.warn({ metric: name, err: errorSummary(error) }, 'metric not collected'),
      );
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    },
  );
}
