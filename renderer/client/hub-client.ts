// Headless client core for the hub's `/agents` socket.io namespace. Shared by the React UI and
// the hub's integration tests, so it runs in browsers too: no Node imports here.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { describeIssues, type FieldIssue } from '../../shared/protocol/issues.ts';
import {
  AGENTS_NAMESPACE,
  COMMANDS,
  SERVER_EVENTS,
  ackSchema,
  type AckOf,
  type ClientToServerEvents,
  type CommandName,
  type CommandPayload,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '../../shared/protocol/socket.ts';

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'connected' }
  /** `attempt` counts reconnection attempts started so far; 0 while waiting for the first. */
  | { status: 'reconnecting'; attempt: number }
  /** The hub refused the token. Terminal: socket.io does not retry a refused handshake. */
  | { status: 'unauthorized' }
  /** Terminal: closed by us, by the hub, or reconnection gave up. */
  | { status: 'disconnected'; reason: string };

export type HubClientError =
  /** The hub sent an event or ack that does not match the protocol; it was not passed on. */
  | { type: 'protocol_error'; event: string; issues: FieldIssue[] }
  /** One of our listeners threw; the others still ran. */
  | { type: 'listener_error'; event: string; error: unknown };

export interface Ready {
  session: ServerEventPayload<'session'>;
  snapshot: ServerEventPayload<'handoffs:snapshot'>;
}

export interface SendOptions {
  /** Reuse the opId of an earlier attempt to retry it: the hub applies one opId once. */
  opId?: string;
  timeoutMs?: number;
}

export type CommandInput<C extends CommandName> = Omit<CommandPayload<C>, 'opId'>;

/**
 * What an agent sends the product team: a new item (`title` and `details` required), or, with
 * `productItemId`, this customer added to an existing item of the same kind.
 */
export type ProductRoute = Omit<CommandInput<'handoff:routeToProduct'>, 'handoffId'>;

/** What the routing form has typed so far, for `product:suggest`. */
export type ProductQuery = CommandInput<'product:suggest'>['query'];

export interface HubClientOptions {
  /** The hub's base URL, e.g. `http://127.0.0.1:7400`. */
  url: string;
  /** The credential; a function is asked at every (re)connection, so a renewed one is used. */
  token: string | (() => string);
  /** Default for send, waitFor and ready. */
  timeoutMs?: number;
  /** Passed to socket.io-client. `retries` and `ackTimeout` are not allowed: see `send`. */
  socketOptions?: Omit<Partial<ManagerOptions & SocketOptions>, 'auth' | 'retries' | 'ackTimeout' | 'autoConnect'>;
}

export type Unsubscribe = () => void;

const DEFAULT_TIMEOUT_MS = 10_000;

export class HubClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #timeoutMs: number;
  readonly #listeners = new Map<ServerEventName, Set<(payload: never) => void>>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  readonly #errorListeners = new Set<(error: HubClientError) => void>();
  /** Pending waitFor/ready calls, failed at once when the connection ends for good. */
  readonly #pending = new Set<(error: Error) => void>();
  #state: ConnectionState = { status: 'connecting' };
  #attempt = 0;
  #closed = false;
  // What the current connection has received; cleared on disconnect so ready() waits for the next.
  #session: Ready['session'] | null = null;
  #snapshot: Ready['snapshot'] | null = null;

  constructor({ url, token, timeoutMs = DEFAULT_TIMEOUT_MS, socketOptions }: HubClientOptions) {
    this.#timeoutMs = timeoutMs;
    this.#socket = io(`${url.replace(/\/+$/, '')}${AGENTS_NAMESPACE}`, {
      ...socketOptions,
      auth: typeof token === 'string' ? { token } : (send) => send({ token: token() }),
      // Without retries socket.io sends each emit at most once (see send()).
      retries: 0,
      // Our own connection: io() would otherwise share a Manager between clients of one hub,
      // and then one client's close or token would affect another's.
      forceNew: true,
      autoConnect: false,
    });

    for (const name of Object.keys(SERVER_EVENTS) as ServerEventName[]) {
      (this.#socket as Socket).on(name, (raw: unknown) => this.#receive(name, raw));
    }
    this.#socket.on('connect', () => {
      this.#attempt = 0;
      this.#setState({ status: 'connected' });
    });
    this.#socket.on('disconnect', (reason) => {
      this.#session = null;
      this.#snapshot = null;
      this.#setState(this.#socket.active ? { status: 'reconnecting', attempt: this.#attempt } : { status: 'disconnected', reason });
    });
    this.#socket.on('connect_error', (error) => {
      // The hub's auth middleware refuses with Error('unauthorized'); socket.io then gives up.
      if (error.message === 'unauthorized') this.#setState({ status: 'unauthorized' });
      else if (this.#socket.active) this.#setState({ status: 'reconnecting', attempt: this.#attempt });
      else this.#setState({ status: 'disconnected', reason: error.message });
    });
    this.#socket.io.on('reconnect_attempt', (attempt) => {
      this.#attempt = attempt;
      this.#setState({ status: 'reconnecting', attempt });
    });
    this.#socket.io.on('reconnect_failed', () => this.#setState({ status: 'disconnected', reason: 'reconnect failed' }));
    this.#socket.connect();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Called on every state change (not with the current state: read `state` for that). */
  onState(listener: (state: ConnectionState) => void): Unsubscribe {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onError(listener: (error: HubClientError) => void): Unsubscribe {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Listens to a server event; only payloads that passed the protocol's schema arrive. */
  on<E extends ServerEventName>(event: E, listener: (payload: ServerEventPayload<E>) => void): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * The next payload of `event` (matching `predicate`, if given) that arrives after this call.
   * The listener is registered before this returns. Rejects after `timeoutMs` with an error naming
   * the event, or at once when the connection ends for good (unauthorized, disconnected, closed).
   */
  waitFor<E extends ServerEventName>(
    event: E,
    predicate?: (payload: ServerEventPayload<E>) => boolean,
    timeoutMs = this.#timeoutMs,
  ): Promise<ServerEventPayload<E>> {
    return this.#wait(`waitFor('${event}')`, timeoutMs, (done, fail) =>
      this.on(event, (payload) => {
        try {
          if (!predicate || predicate(payload)) done(payload);
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
  }

  /** Resolves once the current connection has delivered both `session` and `handoffs:snapshot`. */
  ready(timeoutMs = this.#timeoutMs): Promise<Ready> {
    return this.#wait<Ready>('ready()', timeoutMs, (done) => {
      const check = (): void => {
        if (this.#session && this.#snapshot) done({ session: this.#session, snapshot: this.#snapshot });
      };
      const offSession = this.on('session', check);
      const offSnapshot = this.on('handoffs:snapshot', check);
      check();
      return () => {
        offSession();
        offSnapshot();
      };
    });
  }

  /**
   * Sends a command with a fresh opId (or `options.opId`, to retry) and resolves with the hub's
   * validated ack. Never throws for protocol-level failures; they resolve `{ok: false, error}`:
   * - `invalid_command`: the payload fails the protocol's schema; nothing was sent.
   * - `timeout`, "not connected …": nothing was sent. We do not let socket.io buffer the emit
   *   until reconnect, because callers (the UI's offline queue) keep their own queue and would
   *   otherwise send it twice.
   * - `timeout`, otherwise: no ack in time, or the connection dropped after sending; the outcome
   *   is unknown. Retrying with the same opId is safe.
   * Each call emits at most once, and once it has resolved socket.io will not send it later
   * (socket.io drops a still-buffered packet when its ack times out).
   */
  async send<C extends CommandName>(command: C, payload: CommandInput<C>, options: SendOptions = {}): Promise<AckOf<C>> {
    const message = { ...payload, opId: options.opId ?? globalThis.crypto.randomUUID() };
    const parsed = COMMANDS[command].safeParse(message);
    if (!parsed.success) {
      return fail(command, 'invalid_command', 'invalid command', describeIssues(parsed.error));
    }
    if (!this.#socket.connected) {
      return fail(command, 'timeout', `not connected to the hub (${this.#state.status}), so it was not sent`);
    }
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    let raw: unknown;
    try {
      // Untyped here: TS cannot follow the generic command through socket.io's ack decoration.
      raw = await (this.#socket as Socket).timeout(timeoutMs).emitWithAck(command, message);
    } catch (error) {
      const why = error instanceof Error && /disconnected/.test(error.message) ? 'the connection dropped' : `no answer within ${timeoutMs} ms`;
      return fail(command, 'timeout', `${why}; it may or may not have been applied (retry with the same opId)`);
    }
    const ack = ackSchema(command).safeParse(raw);
    if (!ack.success) {
      const issues = describeIssues(ack.error);
      this.#report({ type: 'protocol_error', event: `${command} ack`, issues });
      return fail(command, 'internal', 'the hub answered with a malformed ack', issues);
    }
    return ack.data;
  }

  /** Disconnects for good and fails pending waitFor/ready calls. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true; // first, so the socket's own disconnect events are ignored
    this.#socket.disconnect();
    this.#setState({ status: 'disconnected', reason: 'closed' }, true);
  }

  #receive(event: ServerEventName, raw: unknown): void {
    const parsed = SERVER_EVENTS[event].safeParse(raw);
    if (!parsed.success) {
      this.#report({ type: 'protocol_error', event, issues: describeIssues(parsed.error) });
      return;
    }
    if (event === 'session') this.#session = parsed.data as Ready['session'];
    if (event === 'handoffs:snapshot') this.#snapshot = parsed.data as Ready['snapshot'];
    // A copy, so listeners may unsubscribe (e.g. a settled waitFor) while we iterate.
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(parsed.data);
      } catch (error) {
        this.#report({ type: 'listener_error', event, error });
      }
    }
  }

  #report(error: HubClientError): void {
    for (const listener of [...this.#errorListeners]) {
      try {
        listener(error);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }

  #setState(state: ConnectionState, fromClose = false): void {
    if (this.#closed && !fromClose) return;
    if (JSON.stringify(state) === JSON.stringify(this.#state)) return;
    this.#state = state;
    for (const listener of [...this.#stateListeners]) listener(state);
    const ended = this.#ended();
    if (ended) for (const failPending of [...this.#pending]) failPending(ended);
  }

  /** Why nothing more will arrive, or null while the connection is live or coming back. */
  #ended(): Error | null {
    if (this.#closed) return new Error('the client was closed');
    if (this.#state.status === 'unauthorized') return new Error('the hub refused the token (unauthorized)');
    if (this.#state.status === 'disconnected') return new Error(`disconnected from the hub (${this.#state.reason})`);
    return null;
  }

  /** A promise settled by `arm`'s callbacks, a timeout, or the end of the connection. */
  #wait<T>(
    label: string,
    timeoutMs: number,
    arm: (done: (value: T) => void, fail: (error: Error) => void) => Unsubscribe,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const ended = this.#ended();
      if (ended) return reject(new Error(`${label}: ${ended.message}`));
      let settled = false;
      let disarm: Unsubscribe | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        this.#pending.delete(failEnded);
        disarm?.();
        return true;
      };
      const failWith = (error: Error): void => {
        if (settle()) reject(error);
      };
      const failEnded = (error: Error): void => failWith(new Error(`${label}: ${error.message}`));
      const timer = setTimeout(() => failWith(new Error(`${label} timed out after ${timeoutMs} ms`)), timeoutMs);
      this.#pending.add(failEnded);
      disarm = arm((value) => {
        if (settle()) resolve(value);
      }, failWith);
      if (settled) disarm(); // arm settled synchronously, before `disarm` was assigned
    });
  }
}

export function connectHub(options: HubClientOptions): HubClient {
  return new HubClient(options);
}

function fail<C extends CommandName>(
  command: C,
  code: 'invalid_command' | 'timeout' | 'internal',
  message: string,
  issues?: FieldIssue[],
): AckOf<C> {
  const error = { code, message: `${command}: ${message}` };
  return { ok: false, error: issues ? { ...error, issues } : error };
}
