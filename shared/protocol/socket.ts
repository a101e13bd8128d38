import { z } from 'zod';
import { maxUnits } from './units.ts';
import { AgentView, Presence, RoutingMode } from './agent.ts';
import { Handoff, Person, WithdrawReason } from './handoff.ts';
import { MetricsReport, ReassignedEvent, TeamAgentView, TeamChangedEvent, TeamMetricsCommand, TeamView } from './lead.ts';
import { PRODUCT_COMMANDS, PRODUCT_COMMAND_RESULTS, PRODUCT_READ_COMMANDS, ProductChangedEvent, RouteToProductCommand } from './product.ts';

export const AGENTS_NAMESPACE = '/agents';

const opId = z.uuid();
const handoffId = z.string().min(1).check(maxUnits(100));
const note = z.string().trim().min(1, 'must not be empty').check(maxUnits(4_000));

// Defined with the product items; part of the socket contract too.
export { RouteToProductCommand, SEVERITIES, Severity } from './product.ts';

export const AcceptCommand = z.strictObject({ opId, handoffId });
export const DeclineCommand = z.strictObject({ opId, handoffId, reason: z.string().trim().min(1).check(maxUnits(200)) });
export const ReturnToBotCommand = z.strictObject({ opId, handoffId, note });
export const ResolveCommand = z.strictObject({ opId, handoffId, note: note.optional() });
export const ReassignTarget = z.union([
  z.strictObject({ agentId: z.string().min(1) }),
  z.strictObject({ queue: z.literal(true) }),
]);
export type ReassignTarget = z.infer<typeof ReassignTarget>;
export const ReassignCommand = z.strictObject({ opId, handoffId, to: ReassignTarget, note: note.optional() });
export const PresenceCommand = z.strictObject({ opId, status: Presence });

// Lead commands. Their data, events and HTTP bodies are in lead.ts.

/** Up to 100 distinct handoffs in one command. */
export const MAX_BULK_REASSIGN = 100;
const distinct = (ids: readonly string[], ctx: z.RefinementCtx, path: (string | number)[]) => {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `${id} is listed twice` });
    seen.add(id);
  });
};
export const BulkReassignCommand = z
  .strictObject({ opId, handoffIds: z.array(handoffId).min(1).max(MAX_BULK_REASSIGN), to: ReassignTarget, note: note.optional() })
  .superRefine((c, ctx) => distinct(c.handoffIds, ctx, ['handoffIds']));
export const AgentPresenceCommand = z.strictObject({ opId, agentId: z.string().min(1).check(maxUnits(200)), status: Presence });
const settingFields = ['routing', 'offerTimeoutSeconds', 'capacity', 'skills', 'stalledQueueSeconds', 'stalledAcceptedSeconds'] as const;
export const TeamConfigureCommand = z
  .strictObject({
    opId,
    /** Default: the lead's own team. */
    team: z.string().min(1).check(maxUnits(200)).optional(),
    routing: RoutingMode.optional(),
    offerTimeoutSeconds: z.number().min(1).max(24 * 3600).optional(),
    capacity: z.array(z.strictObject({ agentId: z.string().min(1).check(maxUnits(200)), capacity: z.number().int().min(0).max(100) })).max(500).optional(),
    skills: z
      .array(z.strictObject({ agentId: z.string().min(1).check(maxUnits(200)), skills: z.array(z.string().trim().min(1).check(maxUnits(200))).max(100) }))
      .max(500)
      .optional(),
    stalledQueueSeconds: z.number().min(1).max(7 * 24 * 3600).optional(),
    // 24 days: the store keeps milliseconds in a 32-bit integer.
    stalledAcceptedSeconds: z.number().min(1).max(24 * 24 * 3600).optional(),
  })
  .superRefine((c, ctx) => {
    if (settingFields.every((field) => c[field] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: `name at least one setting to change (${settingFields.join(', ')})` });
    }
    distinct(c.capacity?.map((e) => e.agentId) ?? [], ctx, ['capacity']);
    distinct(c.skills?.map((e) => e.agentId) ?? [], ctx, ['skills']);
  });
/** A read: `opId` is accepted (clients add one to every command) but nothing is stored. */
export const GetHandoffCommand = z.strictObject({ opId: opId.optional(), handoffId });

/** Commands that only read: they run without an opId record, so repeating one simply reads again. */
export const READ_COMMANDS = ['handoff:get', 'team:metrics', ...PRODUCT_READ_COMMANDS] as const;

/** Every client command: its event name and the schema of its payload. */
export const COMMANDS = {
  'handoff:accept': AcceptCommand,
  'handoff:decline': DeclineCommand,
  'handoff:returnToBot': ReturnToBotCommand,
  'handoff:routeToProduct': RouteToProductCommand,
  'handoff:resolve': ResolveCommand,
  'handoff:reassign': ReassignCommand,
  'presence:set': PresenceCommand,
  'handoffs:reassign': BulkReassignCommand,
  'agent:setPresence': AgentPresenceCommand,
  'team:configure': TeamConfigureCommand,
  'handoff:get': GetHandoffCommand,
  'team:metrics': TeamMetricsCommand,
  ...PRODUCT_COMMANDS,
} as const;
export type CommandName = keyof typeof COMMANDS;
export type CommandPayload<C extends CommandName> = z.infer<(typeof COMMANDS)[C]>;

export const ERROR_CODES = [
  'invalid_command',
  'unauthorized',
  'forbidden',
  'not_found',
  'not_offered',
  'offer_expired',
  'taken',
  'invalid_state',
  'agent_unavailable',
  'op_conflict',
  'timeout',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const CommandError = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** How many issues were left out of `issues`, which lists at most MAX_ISSUES (50). */
  moreIssues: z.number().int().positive().optional(),
});
export type CommandError = z.infer<typeof CommandError>;

/** What a successful ack carries besides `ok: true`, per command. */
const HandoffResult = z.object({ handoff: Handoff });
export const COMMAND_RESULTS = {
  'handoff:accept': HandoffResult,
  'handoff:decline': HandoffResult,
  'handoff:returnToBot': HandoffResult,
  'handoff:routeToProduct': HandoffResult,
  'handoff:resolve': HandoffResult,
  'handoff:reassign': HandoffResult,
  'presence:set': z.object({ agent: AgentView }),
  /** Applied one by one: `handoffs` as they now are (in the order asked), `failures` why the others were not moved. */
  'handoffs:reassign': z.object({
    handoffs: z.array(Handoff),
    failures: z.array(z.object({ handoffId: z.string(), error: CommandError })),
  }),
  'agent:setPresence': z.object({ agent: AgentView }),
  'team:configure': z.object({ team: TeamView, agents: z.array(TeamAgentView) }),
  /** The handoff with its `events`. */
  'handoff:get': HandoffResult,
  /** The same report as `GET /v1/teams/:team/metrics`. */
  'team:metrics': z.object({ report: MetricsReport }),
  ...PRODUCT_COMMAND_RESULTS,
} as const satisfies { [C in CommandName]: z.ZodType };
export type CommandResult<C extends CommandName> = z.infer<(typeof COMMAND_RESULTS)[C]>;

export type AckOf<C extends CommandName> = ({ ok: true } & CommandResult<C>) | { ok: false; error: CommandError };

/** The schema of a command's ack, for clients that check what the hub answers. */
export function ackSchema<C extends CommandName>(command: C): z.ZodType<AckOf<C>> {
  return z.union([
    COMMAND_RESULTS[command].extend({ ok: z.literal(true) }),
    z.object({ ok: z.literal(false), error: CommandError }),
  ]) as unknown as z.ZodType<AckOf<C>>;
}

export const HandoffAck = ackSchema('handoff:accept');
export type HandoffAck = AckOf<'handoff:accept'>;

export const SessionEvent = z.object({ agent: AgentView, serverTime: z.iso.datetime({ offset: true }) });
export const SnapshotEvent = z.object({ handoffs: z.array(Handoff) });
export const OfferedEvent = z.object({
  handoff: Handoff,
  offer: z.object({ id: z.string(), expiresAt: z.iso.datetime({ offset: true }) }),
});
export const ChangedEvent = z.object({ handoff: Handoff });
export const WithdrawnEvent = z.object({
  handoffId: z.string(),
  reason: WithdrawReason,
  /** On `reassigned`: the lead who moved it, and their note. */
  by: Person.optional(),
  note: z.string().optional(),
});
export const AgentsChangedEvent = z.object({ agents: z.array(TeamAgentView) });
/**
 * Sent just before the hub disconnects an app whose sign-in no longer holds: `signed_out` (the
 * session was signed out), `revoked` (an administrator took the person's access back),
 * `expired_or_revoked` (found at the periodic check: expired, not renewed, replaced or revoked).
 */
export const SessionEndedEvent = z.object({ reason: z.enum(['signed_out', 'revoked', 'expired_or_revoked']) });

export const SERVER_EVENTS = {
  session: SessionEvent,
  'handoffs:snapshot': SnapshotEvent,
  'handoff:offered': OfferedEvent,
  'handoff:changed': ChangedEvent,
  'handoff:withdrawn': WithdrawnEvent,
  'agents:changed': AgentsChangedEvent,
  'handoff:reassigned': ReassignedEvent,
  'team:changed': TeamChangedEvent,
  'product:changed': ProductChangedEvent,
  'session:ended': SessionEndedEvent,
} as const;
export type ServerEventName = keyof typeof SERVER_EVENTS;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof SERVER_EVENTS)[E]>;

/** socket.io's typed maps, derived from the schemas above so nothing is declared twice. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};
export type ClientToServerEvents = {
  [C in CommandName]: (payload: CommandPayload<C>, ack: (result: AckOf<C>) => void) => void;
};
