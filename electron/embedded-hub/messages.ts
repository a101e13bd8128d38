import { z } from 'zod';
import { HttpUrl } from '../../shared/protocol/packet.ts';

/** The hub's utility process → the main process. */
export const HubProcessMessage = z.discriminatedUnion('type', [
  /** Accepting connections at `url`; `token` signs the demo agent in; `demoTokens` are every demo person's. */
  z.strictObject({ type: z.literal('ready'), url: HttpUrl, token: z.string().min(1), demoTokens: z.array(z.string().min(1)) }),
  /** Could not start; `message` is for the agent. */
  z.strictObject({ type: z.literal('failed'), message: z.string() }),
]);
export type HubProcessMessage = z.infer<typeof HubProcessMessage>;

/** The main process → the hub's utility process. */
export const HubProcessCommand = z.strictObject({ type: z.literal('stop') });
export type HubProcessCommand = z.infer<typeof HubProcessCommand>;
