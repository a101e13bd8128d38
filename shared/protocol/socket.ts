import { z } from 'zod';
import { AgentView, Presence } from './agent.ts';
import { Handoff, ProductKind, WithdrawReason } from './handoff.ts';

export const AGENTS_NAMESPACE = '/agents';

const opId = z.uuid();
const handoffId = z.string().min(1).max(100);
const note = z.string().trim().min(1, 'must not be empty').max(4_000);

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);

export const AcceptCommand = z.strictObject({ opId, handoffId });
export const DeclineCommand = z.strictObject({ opId, handoffId, reason: z.string().trim().min(1).max(200) });
export const ReturnToBotCommand = z.strictObject({ opId, handoffId, note });
export const RouteToProductCommand = z
  .strictObject({
    opId,
    handoffId,
    kind: ProductKind,
    title: z.string().trim().min(1, 'must not be empty').max(200),
    details: z.string().max(20_000),
    severity: Severity.optional(),
  })
  .refine((c) => c.kind === 'bug_report' || c.severity === undefined, {
    path: ['severity'],
    message: 'only bug reports have a severity',
  });
export const ResolveCommand = z.strictObject({ opId, handoffId, note: note.optional() });
export const ReassignTarget = z.union([
  z.strictObject({ agentId: z.string().min(1) }),
  z.strictObject({ queue: z.literal(true) }),
]);
export type ReassignTarget = z.infer<typeof ReassignTarget>;
export const ReassignCommand = z.strictObject({ opId, handoffId, to: ReassignTarget, note: note.optional() });
export const PresenceCommand = z.strictObject({ opId, status: Presence });

/** Every client command: its event name and the schema of its payload. */
export const COMMANDS = {
  'handoff:accept': AcceptCommand,
  'handoff:decline': DeclineCommand,
  'handoff:returnToBot': ReturnToBotCommand,
  'handoff:routeToProduct': RouteToProductCommand,
  'handoff:resolve': ResolveCommand,
  'handoff:reassign': ReassignCommand,
  'presence:set': PresenceCommand,
} as const;
export type CommandName = keyof typeof COMMANDS;
export type CommandPayload<C extends CommandName> = z.infer<(typeof COMMANDS)[C]>;
export type HandoffCommandName = Exclude<CommandName, 'presence:set'>;

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
export const PresenceAck = ackSchema('presence:set');
export type PresenceAck = AckOf<'presence:set'>;

export const SessionEvent = z.object({ agent: AgentView, serverTime: z.iso.datetime({ offset: true }) });
export const SnapshotEvent = z.object({ handoffs: z.array(Handoff) });
export const OfferedEvent = z.object({
  handoff: Handoff,
  offer: z.object({ id: z.string(), expiresAt: z.iso.datetime({ offset: true }) }),
});
export const ChangedEvent = z.object({ handoff: Handoff });
export const WithdrawnEvent = z.object({ handoffId: z.string(), reason: WithdrawReason });
export const AgentsChangedEvent = z.object({ agents: z.array(AgentView) });

export const SERVER_EVENTS = {
  session: SessionEvent,
  'handoffs:snapshot': SnapshotEvent,
  'handoff:offered': OfferedEvent,
  'handoff:changed': ChangedEvent,
  'handoff:withdrawn': WithdrawnEvent,
  'agents:changed': AgentsChangedEvent,
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
