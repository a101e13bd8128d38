import type { HubClient } from './hub-client.ts';

/** The part of the client core the console uses; tests give it a fake of the same shape. */
export type HubPort = Pick<HubClient, 'state' | 'onState' | 'on' | 'send' | 'close'>;

export interface HubCredentials {
  url: string;
  token: string;
}

export type ConnectHub = (credentials: HubCredentials) => HubPort;
