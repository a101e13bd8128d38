import type { Logger } from 'pino';
import { z } from 'zod';
import type { Server, Socket } from 'socket.io';
import {
  AGENTS_NAMESPACE,
  COMMANDS,
  type ClientToServerEvents,
  type CommandName,
  type FieldIssue,
  type ServerToClientEvents,
} from '../../shared/protocol/index.ts';
import { hashSecret } from '../auth/secrets.ts';
import { signedInWith, stillSignedIn, type Credential } from '../auth/sessions.ts';
import { credentialShaped } from '../auth/sign-in.ts';
import { agentRoom, leadsRoom, type Emission } from '../core/effects.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { clientAddress, type TrustedHop } from '../http/client-address.ts';
import { TOO_DEEP, valueNestsDeeperThan } from '../http/nesting.ts';
import { describeUnstorable, findUnstorable } from '../http/storable-text.ts';
import type { SignInLimiter } from '../http/rate-limits.ts';

interface SocketData {
  agentId: string;
  team: string;
  lead: boolean;
  credential: Credential;
  /** A CLI token's hash: replacing the token ends the apps signed in with the old one. */
  tokenHash: string | undefined;
}
type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SignIns {
  limiter: SignInLimiter;
  /** Which proxies in front of the hub are trusted to name the client, as Fastify is told (client-address.ts). */
  trustProxy: TrustedHop;
}

export interface AccessChecks {
  now: () => Date;
  /**
   * How often every connected app's credential is checked again (default 15 s): an app whose
   * person was revoked, whose session ended or was not renewed in time, or whose CLI token expired
   * or was replaced is disconnected within this interval, also when another process (the CLI on
   * PostgreSQL) made the change.
   */
  checkEveryMs: number;
}

export const DEFAULT_ACCESS_CHECK_MS = 15_000;

/** What one hub asks the others to disconnect: a session's apps or a person's. */
const EndedSchema = z.object({ kind: z.enum(['session', 'agent']), id: z.string().min(1) });
type Ended = z.infer<typeof EndedSchema>;
const END_EVENT = 'baton:apps-ended';
const endedBy = (ended: Ended, data: SocketData): boolean =>
  ended.kind === 'agent' ? data.agentId === ended.id : data.credential.kind === 'session' && data.credential.sessionId === ended.id;

/**
 * The `/agents` namespace: authenticates apps by token, sends `session` and the snapshot on every
 * connect, and turns commands into service calls with their acks. A failed token counts against
 * its address's sign-in limit; a locked address is refused whatever the token.
 */
export function attachAgentsNamespace(io: Server, service: HandoffService, log: Logger, signIns?: SignIns, access: Partial<AccessChecks> = {}) {
  const now = access.now ?? (() => new Date());
  const nsp = io.of(AGENTS_NAMESPACE);
  const sockets = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string, by: number): number => {
    const n = (map.get(key) ?? 0) + by;
    if (n > 0) map.set(key, n);
    else map.delete(key);
    return n;
  };

  const signIn = async (socket: AgentSocket, next: (error?: Error) => void): Promise<void> => {
    const address = signIns ? clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], signIns.trustProxy) : socket.handshake.address;
    const locked = signIns?.limiter.locked(address);
    // socket.io hands the client the `message` and `data` of a middleware's error.
    if (locked) return next(Object.assign(new Error('rate_limited'), { data: { code: 'rate_limited', ...locked } }));
    const token: unknown = socket.handshake.auth?.token;
    const signedIn = credentialShaped(token) ? await signedInWith(service.db, token, now()) : undefined;
    if (!signedIn) {
      signIns?.limiter.failed(address);
      return next(new Error('unauthorized'));
    }
    const { agent, credential } = signedIn;
    socket.data = { agentId: agent.id, team: agent.team, lead: agent.role === 'lead', credential, tokenHash: credential.kind === 'token' && credentialShaped(token) ? hashSecret(token) : undefined };
    next();
  };
  nsp.use((socket: AgentSocket, next) => void signIn(socket, next));

  nsp.on('connection', (socket: AgentSocket) => {
    const { agentId, team, lead } = socket.data;
    void socket.join(lead ? [agentRoom(agentId), leadsRoom(team)] : [agentRoom(agentId)]);
    bump(sockets, agentId, 1);

    for (const name of Object.keys(COMMANDS) as CommandName[]) {
      // The ack is the last argument, whatever came before it: a command sent without a payload,
      // or with arguments after it, is answered invalid_command instead of left to time out.
      socket.on(name, async (...args: unknown[]) => {
        const last = args.at(-1);
        if (typeof last !== 'function') return; // without an ack the client could never learn the outcome
        const ack = last as (answer: unknown) => void;
        const invalid = (message: string, issues: FieldIssue[], more = 0) =>
          ack({ ok: false, error: { code: 'invalid_command', message: `Invalid ${name}: ${message}`, issues, ...(more > 0 && { moreIssues: more }) } });
        if (args.length > 2) {
          invalid(`a command is one payload and the ack; ${args.length - 2} more argument(s) came after the payload`, [{ path: '', message: 'extra arguments after the payload' }]);
          return;
        }
        const payload = args.length > 1 ? args[0] : undefined;
        if (valueNestsDeeperThan(payload)) {
          invalid(`the payload ${TOO_DEEP.message}`, [TOO_DEEP]);
          return;
        }
        const unstorable = findUnstorable(payload);
        if (unstorable.issues.length > 0) {
          invalid(describeUnstorable(unstorable), unstorable.issues, unstorable.more);
          return;
        }
        try {
          ack(await service.command(agentId, name, payload));
        } catch (error) {
          log.error({ err: error, agentId, command: name }, 'command failed');
          ack({ ok: false, error: { code: 'internal', message: 'The hub failed to handle this command; it has been logged. Try again.' } });
        }
      });
    }

    socket.on('disconnect', (reason) => {
      // The hub closing its own sockets is not the agent leaving: what they were offered stays
      // theirs until it expires, and a restarted hub picks it up from the store.
      if (bump(sockets, agentId, -1) === 0 && reason !== 'server shutting down') {
        service.disconnected(agentId).catch((error: unknown) => log.error({ err: error, agentId }, 'disconnect handling failed'));
      }
    });

    service
      .connected(agentId, (agent, handoffs, leadView) => {
        socket.emit('session', { agent, serverTime: new Date().toISOString() });
        if (leadView) socket.emit('team:changed', { team: leadView.team });
        socket.emit('handoffs:snapshot', { handoffs });
        if (leadView) socket.emit('agents:changed', { agents: leadView.agents });
      })
      .catch((error: unknown) => {
        log.error({ err: error, agentId }, 'connect handling failed');
        socket.disconnect(true);
      });
  });

  /** Disconnects this hub's apps that `ended` picks, telling each why before it goes. */
  const disconnect = (ended: Ended): void => {
    for (const socket of nsp.sockets.values() as Iterable<AgentSocket>) {
      if (!socket.data.credential || !endedBy(ended, socket.data)) continue;
      socket.emit('session:ended', { reason: ended.kind === 'session' ? 'signed_out' : 'revoked' });
      socket.disconnect(true);
    }
  };
  /** Here, and on every other hub of the deployment (through the adapter; nothing without one). */
  const disconnectEverywhere = (ended: Ended): void => {
    disconnect(ended);
    nsp.serverSideEmit(END_EVENT, ended);
  };
  nsp.on(END_EVENT, (message: unknown) => {
    const ended = EndedSchema.safeParse(message);
    if (ended.success) disconnect(ended.data);
    else log.warn({ issues: ended.error.issues }, 'ignored a malformed message from another hub');
  });

  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const at = now();
      for (const socket of [...nsp.sockets.values()] as AgentSocket[]) {
        const data = socket.data;
        if (!data.credential || !socket.connected) continue;
        if (!(await stillSignedIn(service.db, data.agentId, data.credential, data.tokenHash, at))) {
          socket.emit('session:ended', { reason: 'expired_or_revoked' });
          socket.disconnect(true);
        }
      }
    } catch (error) {
      log.error({ err: error }, 'checking signed-in apps failed');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), access.checkEveryMs ?? DEFAULT_ACCESS_CHECK_MS);
  timer.unref();

  return {
    /** Checks every connected app's credential now (the timer does it every `checkEveryMs`). */
    checkAccess: check,
    stop: () => clearInterval(timer),
    /** A session ended (sign-out): its apps go now, on whichever hub they are. */
    endSession: (sessionId: string) => disconnectEverywhere({ kind: 'session', id: sessionId }),
    /** A person's access was taken back: all their apps go now, on whichever hub they are. */
    endAgent: (agentId: string) => disconnectEverywhere({ kind: 'agent', id: agentId }),
    /** This hub lost its lease (other hubs took its apps over): its apps reconnect and start afresh. */
    dropAll: () => {
      // The connection, not the socket.io session: an app whose hub ends its session stays away,
      // one whose connection drops reconnects (through the load balancer, to any hub).
      for (const socket of nsp.sockets.values()) socket.conn.close();
    },
    emit: ({ rooms, event, payload }: Emission) => {
      nsp.to(rooms).emit(event, payload);
    },
  };
}
