import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { z } from 'zod';
import {
  BRIDGE_EVENTS,
  BRIDGE_INVOKE,
  type BridgeEventName,
  type BridgeEventPayload,
  type BridgeInvokeChannel,
  type BridgeResult,
} from '../../shared/protocol/bridge.ts';
import type { Log } from '../logging/log.ts';

type HandlerResult<C extends BridgeInvokeChannel> = BridgeResult<C> extends undefined ? void : BridgeResult<C>;

export type BridgeHandlers = {
  [C in BridgeInvokeChannel]: (args: z.infer<(typeof BRIDGE_INVOKE)[C]['args']>) => HandlerResult<C> | Promise<HandlerResult<C>>;
};

/** Why the main process refused a bridge call; the console sees the code and the message. */
export class BridgeRefused extends Error {
  constructor(
    readonly code: 'untrusted_sender' | 'invalid_message',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'BridgeRefused';
  }
}

export type IpcMainPort = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** The fields an issue is about: a field the map does not have is named too, not just its object. */
function fieldsOf(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => (at ? `${at}.${key}` : key));
  return [at || '(message)'];
}

/**
 * Answers every invoke channel of the bridge map, and only those. Each call is checked twice
 * before its handler runs: the sender must be the console (`isTrusted`), and the message must
 * be exactly one argument matching the channel's schema. Returns a function that unregisters.
 */
export function registerBridge({
  ipcMain,
  isTrusted,
  handlers,
  log,
}: {
  ipcMain: IpcMainPort;
  isTrusted(event: IpcMainInvokeEvent): boolean;
  handlers: BridgeHandlers;
  log: Log;
}): () => void {
  const channels = Object.keys(BRIDGE_INVOKE) as BridgeInvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...rest: unknown[]) => {
      if (!isTrusted(event)) {
        log.warn('Refused a bridge call from outside the console.', { channel, url: event.senderFrame?.url?.slice(0, 200) });
        throw new BridgeRefused('untrusted_sender', `${channel} is answered for the Baton console only.`);
      }
      const parsed = rest.length === 1 ? BRIDGE_INVOKE[channel].args.safeParse(rest[0]) : undefined;
      if (!parsed?.success) {
        const where = parsed?.error.issues.flatMap(fieldsOf).join(', ') ?? 'expected exactly one argument';
        log.warn('Refused a malformed bridge call.', { channel, where });
        throw new BridgeRefused('invalid_message', `${channel}: ${where}.`);
      }
      const handler = handlers[channel] as (args: unknown) => unknown;
      return handler(parsed.data);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

export type BridgeEvents = <E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>) => boolean;

/**
 * Sends bridge events to the console, each checked against the map first; false when there is
 * no console to tell (not loaded, or closed).
 */
export function createBridgeEvents({ target, log }: { target(): Pick<WebContents, 'send' | 'isDestroyed'> | null; log: Log }): BridgeEvents {
  return (event, payload) => {
    const parsed = BRIDGE_EVENTS[event].safeParse(payload);
    if (!parsed.success) {
      log.error('A bridge event did not match its schema and was not sent.', { event });
      return false;
    }
    const contents = target();
    if (!contents || contents.isDestroyed()) return false;
    contents.send(event, parsed.data);
    return true;
  };
}
