import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CuecardError } from '../../errors/cuecard-error.js';
import { databaseInputError } from '../../errors/database-input-error.js';

/**
 * Fastify's own refusals of a request's envelope (content type, JSON syntax, size, URL), in our
 * error shape with the part at fault as `field`; left as they were, they answered with fastify's
 * codes and no field (found by the fuzz suite, test/fuzz).
 */
const envelopeErrors: Record<string, { code: string; field: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'malformed_json',
    field: 'body',
    message: 'The body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'malformed_json',
    field: 'body',
    message: 'The body is empty but its content type is JSON; send a JSON body or no content type.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'validation_failed',
    field: 'content-type',
    message: 'Unsupported content type; send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation_failed',
    field: 'content-length',
    message: 'The content length does not match the body.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'frame_too_large',
    field: 'body',
    message: 'The body is over the size limit.',
  },
  FST_ERR_CTP_INVALID_JSON_CHARSET: {
    code: 'validation_failed',
    field: 'content-type',
    message: 'JSON bodies must be UTF-8.',
  },
  FST_ERR_BAD_URL: {
    code: 'validation_failed',
    field: 'url',
    message: 'The URL is not valid percent-encoded UTF-8.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'validation_failed',
    field: 'url',
    message: 'A path segment is too long.',
  },
};

/** Sends fastify's refusal of a request's envelope in our shape; false when it is not one. */
function sendEnvelopeError(error: FastifyError, reply: FastifyReply): boolean {
  const known = error.code ? envelopeErrors[error.code] : undefined;
  if (!known) return false;
  void reply
    .status(error.statusCode ?? 400)
    .send({ error: { code: known.code, message: known.message, field: known.field } });
  return true;
}

/**
 * For fastify's `frameworkErrors` option: a URL the router cannot decode (`%G1`, `%ED%A0%80`) or
 * a path segment past its length limit never reaches a route or the error handler.
 */
export function frameworkErrorReply(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (sendEnvelopeError(error, reply)) return;
  void reply
    .status(400)
    .send({ error: { code: 'validation_failed', message: error.message, field: 'url' } });
}

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
    if (sendEnvelopeError(fastifyError, reply)) return reply;
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
