import type { ConnectorKind } from '../../../shared/protocol/index.ts';
import { github } from './github.ts';
import { jira } from './jira.ts';
import { linear } from './linear.ts';
import type { Connector } from './types.ts';
import { webhook } from './webhook.ts';

/** Every connector, by kind. */
export const CONNECTORS: { [K in ConnectorKind]: Connector<K> } = { github, jira, linear, webhook };
