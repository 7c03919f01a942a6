import type { FastifyError, FastifyInstance } from 'fastify';
import { CuecardError } from '../../errors/cuecard-error.js';
import { databaseInputError } from '../../errors/database-input-error.js';

/** The one place where errors become HTTP responses. 5xx never reveal internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((caught: FastifyError | CuecardError | Error, request, reply) => {
    // Input the schemas let through but the database refused is still the input's fault: 400.
    // Logged (codes only), since a schema should have caught it first.
    const refused = databaseInputError(caught);
    if (refused) request.log.warn({ code: refused.details?.sqlState }, 'database refused input');
    const error = refused ?? caught;
    if (CuecardError.isInstance(error)) {
      const status = error.httpStatus;
      if (status >= 500) request.log.error({ code: error.code }, 'request failed');
      return reply.status(status).send({
        error: {
          code: error.code,
          message: status >= 500 ? 'Internal error; see the server log.' : error.message,
          ...(error.field ? { field: error.field } : {}),
        },
      });
    }
    const fastifyError = error as FastifyError & {
      validation?: {
        instancePath?: string;
        message?: string;
        params?: { issue?: { path?: unknown[] } };
      }[];
    };
    if (fastifyError.validation) {
      const first = fastifyError.validation[0];
      const field =
        (first?.params?.issue?.path?.join('.') ??
          first?.instancePath?.replace(/^\//, '').replace(/\//g, '.')) ||
        fastifyError.validationContext ||
        'body';
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: `${fastifyError.validationContext ?? 'request'} ${error.message}`,
          field,
        },
      });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: { name: error.name, code: fastifyError.code } }, 'request failed');
      return reply
        .status(500)
        .send({ error: { code: 'internal', message: 'Internal error; see the server log.' } });
    }
    return reply
      .status(status)
      .send({ error: { code: fastifyError.code ?? 'bad_request', message: error.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );
}
