import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can } from '../../tenancy/roles.js';
import { listFollowUps } from '../../wrap-up/followups/follow-up-store.js';
import { summaryEditOf } from '../../wrap-up/summary/summary-edits.js';
import { loadStepMarks } from '../../assist/playbooks/step-marks.js';
import type { PlaybookStepMark } from '../../conversations/events.js';
import type { AgentWrapup } from '../../wrap-up/agent-wrapup.js';
import { visibleConversation } from './visible-conversation.js';
import { responses } from './schemas.js';

/**
 * What the agent does in the console besides listening: tick or skip playbook steps during the
 * call, and at wrap-up read back what they saved (summary, code, follow-ups) after a reload.
 */
export function registerAgentWrapupRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = services;

  routes.get(
    '/api/conversations/:id/wrap-up',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          "The agent's side of the wrap-up: their saved summary, the confirmed code and the codes to choose from, the follow-ups with their decisions, the playbook steps they marked",
        params: z.object({ id: z.string() }),
        response: responses(z.looseObject({}), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const scope = { tenantId: principal.tenantId, conversationId: conversation.id };
      const confirmed = conversation.metadata.disposition;
      const followUps = await listFollowUps(db, {
        tenantId: principal.tenantId,
        conversationId: conversation.id,
        // An agent sees the tasks they own; supervisors every task of the call.
        owner: can(principal, 'read:tenant-conversations')
          ? undefined
          : (principal.agentId ?? undefined),
        limit: 100,
      });
      const wrapup: AgentWrapup = {
        conversationId: conversation.id,
        status: conversation.status,
        summaryEdit: await summaryEditOf(db, scope),
        disposition: {
          confirmed: typeof confirmed === 'string' ? confirmed : null,
          codes: (services.dispositions?.codes ?? []).map((code) => ({
            code: code.code,
            description: code.description,
          })),
        },
        followUps,
        playbookSteps: await loadStepMarks(db, scope),
        qa: (await services.wrapups.resultOf(scope, 'qa')) ?? null,
      };
      return { ...wrapup };
    },
  );

  routes.post(
    '/api/conversations/:id/playbook-steps',
    {
      schema: {
        tags: ['conversations'],
        summary:
          'The agent ticks a playbook step as done or skips it; the next-step suggestions count it from the next turn',
        params: z.object({ id: z.string() }),
        body: z.object({
          stepId: z.string().min(1).max(100),
          outcome: z.enum(['done', 'skipped']),
        }),
        response: responses(z.looseObject({}), 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const principal = authorize(request, 'feedback');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const scope = { tenantId: principal.tenantId, conversationId: conversation.id };
      // The checklist the agent sees is the playbook analyzer's latest result.
      const shown = (await services.eventLog.analyses(scope, 'playbook')).at(-1)?.result;
      if (!shown)
        throw new CuecardError(
          'conflict',
          'No playbook applies to this conversation yet, so there is no step to mark.',
          { field: 'stepId' },
        );
      const step = shown.steps.find((entry) => entry.id === request.body.stepId);
      if (!step)
        throw new CuecardError(
          'validation_failed',
          `"${request.body.stepId}" is not a step of the playbook "${shown.title}"; its steps: ${shown.steps.map((entry) => entry.id).join(', ')}.`,
          { field: 'stepId' },
        );
      const mark: PlaybookStepMark = {
        playbookId: shown.playbookId,
        stepId: step.id,
        outcome: request.body.outcome,
        by: principal.keyName,
        at: new Date().toISOString(),
      };
      // One write, the mark's only record: the playbook analyzer reads it from the next turn,
      // consoles (agent, supervisor) see it now and after a reload, QA later.
      await services.eventLog.append({ ...scope, agentId: conversation.agentId }, [
        { type: 'playbook-step', seq: conversation.lastSeq, mark },
      ]);
      return { conversationId: conversation.id, mark, title: step.title };
    },
  );
}
