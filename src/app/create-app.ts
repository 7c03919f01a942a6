import { CuecardError } from '../errors/cuecard-error.js';
import { errorSummary } from '../errors/error-summary.js';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Services } from './services.js';
import { authenticate, needsKey, urlForLogs } from './plugins/auth.js';
import { frameworkErrorReply, installErrorHandler } from './plugins/error-handler.js';
import { assertSafeInput } from './validation/safe-input.js';
import { registerConversationRoutes } from './routes/conversation-routes.js';
import { registerCustomerRoutes } from './routes/customer-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMeRoutes } from './routes/me-routes.js';
import { registerQaRoutes } from './routes/qa-routes.js';
import { registerKeyRoutes } from './routes/key-routes.js';
import { registerWrapUpRoutes } from './routes/wrap-up-routes.js';
import { registerIntentRoutes } from './routes/intent-routes.js';
import { registerKnowledgeRoutes } from './routes/knowledge-routes.js';
import { registerPlaybookRoutes } from './routes/playbook-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { registerPrivacyRoutes } from './routes/privacy-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerEscalationRoutes } from './routes/escalation-routes.js';
import { registerWebConsoles } from './plugins/static-web.js';
import { createPrettyLogStream } from './plugins/pretty-log-stream.js';
import { registerIngestGateway } from './ws/ingest-gateway.js';
import { createKeyWatch } from './ws/key-watch.js';
import { registerSubscribeGateway } from './ws/subscribe-gateway.js';

export interface AppOptions {
  services: Services;
  /** false silences request logs (tests, bench). */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests that read what was logged). */
  logStream?: { write(line: string): void };
}

const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/openapi.json', '/metrics']);
const SOCKET_ROUTES = new Set(['/ws/ingest', '/ws/subscribe']);

/**
 * The HTTP and WebSocket face of Cuecard, in layers: external plugins (websocket, OpenAPI,
 * errors, auth) → routes. Domain services come in ready-made.
 */
export async function createApp({
  services,
  logger = true,
  logStream,
}: AppOptions): Promise<FastifyInstance> {
  const { config } = services;
  const pretty =
    config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY);
  const stream = logStream ?? (pretty ? createPrettyLogStream(process.stdout) : undefined);
  const app = Fastify({
    logger: logger
      ? {
          level: config.logLevel,
          // Logs carry ids and codes, never keys or transcript text.
          redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
          serializers: {
            req: (request: {
              method: string;
              url: string;
              routeOptions?: { url?: string | undefined };
            }) => ({
              method: request.method,
              url: urlForLogs(request.url, request.routeOptions?.url),
            }),
          },
          ...(stream ? { stream } : {}),
        }
      : false,
    // A line per request drowns what went wrong on a busy service: on request only.
    logController: new LogController({ disableRequestLogging: !config.requestLogs }),
    bodyLimit: config.maxFrameBytes * 4,
    frameworkErrors: frameworkErrorReply,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Cuecard API',
        description:
          'Agent assist and conversation intelligence. WebSockets: /ws/ingest (connectors) and /ws/subscribe (consoles); see README.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Cuecard API key' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyWebsocket, {
    // The socket layer closes only on frames far over the limit; frames a little over it get an
    // error message and the socket stays open (the fault is the message, not the connection).
    options: { maxPayload: Math.max(config.maxFrameBytes * 16, 1_048_576) },
  });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    // A WebSocket upgrade is accepted on the socket endpoints only: `/ws%2Fsubscribe` matches the
    // consoles' catch-all page, which must not complete a handshake.
    if (
      request.headers.upgrade?.toLowerCase() === 'websocket' &&
      !SOCKET_ROUTES.has(request.routeOptions.url ?? '')
    ) {
      throw new CuecardError(
        'not_found',
        'No WebSocket endpoint here: connect to /ws/ingest or /ws/subscribe.',
      );
    }
    if (!needsKey(request.routeOptions.url, PUBLIC_PATHS)) return;
    request.principal = await authenticate(services.tenants, request);
  });
  // Every route, with or without a schema for each part: path params, query and body are checked
  // for NUL, lone surrogates and runaway nesting before the route's own schema (safe-input.ts).
  app.addHook('preValidation', async (request) => {
    assertSafeInput(request.params, 'params');
    assertSafeInput(request.query, 'query');
    assertSafeInput(request.body, 'body');
  });

  registerHealthRoutes(app, services);
  registerMetricsRoutes(app, services);
  registerMeRoutes(app, services);
  registerConversationRoutes(app, services);
  registerCustomerRoutes(app, services);
  registerQaRoutes(app, services);
  registerKeyRoutes(app, services);
  registerWrapUpRoutes(app, services);
  registerIntentRoutes(app, services);
  registerKnowledgeRoutes(app, services);
  registerPlaybookRoutes(app, services);
  registerWebhookRoutes(app, services);
  registerPrivacyRoutes(app, services);
  registerEscalationRoutes(app, services);
  const keyWatch = createKeyWatch(services.tenants, {
    onError: (error) => app.log.warn({ err: errorSummary(error) }, 'checking socket keys failed'),
  });
  registerIngestGateway(app, services, keyWatch);
  registerSubscribeGateway(app, services, keyWatch);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Last: the consoles take every other GET path (single-page app).
  await registerWebConsoles(app);

  app.addHook('onClose', async () => {
    keyWatch.stop();
    await services.close();
  });
  return app;
}
