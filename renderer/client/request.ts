import type { AckOf, CommandName } from '../../shared/protocol/socket.ts';
import type { CommandInput } from './hub-client.ts';
import type { HubPort } from './hub-port.ts';

/** Sends one command and resolves with the hub's ack; never throws, whatever went wrong is a refusal. */
export type Request = <C extends CommandName>(command: C, payload: CommandInput<C>) => Promise<AckOf<C>>;

export const NOT_CONNECTED = 'Not connected to the hub; try again once it is back.';

/**
 * A `Request` over whichever client `live()` gives: none (not connected) is refused with
 * `NOT_CONNECTED` like any other refusal, so callers handle one result type.
 */
export function requestVia(live: () => HubPort | null): Request {
  return async (command, payload) => {
    const client = live();
    if (!client) return { ok: false, error: { code: 'timeout', message: NOT_CONNECTED } };
    return client.send(command, payload);
  };
}

/** The refusal in words, or null when the hub did it. */
export const refusalOf = (ack: AckOf<CommandName>): string | null => (ack.ok ? null : ack.error.message);
