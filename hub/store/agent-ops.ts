import type { Queryable } from './queryable.ts';

/** The ack an app's command got, kept under its opId so a retry gets it again (table agent_ops). */
export interface RecordedOp<Ack> {
  agentId: string;
  command: string;
  ack: Ack;
}

export async function findOp<Ack>(q: Queryable, opId: string): Promise<RecordedOp<Ack> | undefined> {
  const { rows } = await q.query<{ agent_id: string; command: string; ack: Ack }>('select agent_id, command, ack from agent_ops where op_id = $1', [opId]);
  const row = rows[0];
  return row && { agentId: row.agent_id, command: row.command, ack: row.ack };
}

export async function recordOp<Ack>(q: Queryable, opId: string, op: RecordedOp<Ack>): Promise<void> {
  await q.query('insert into agent_ops (op_id, agent_id, command, ack) values ($1, $2, $3, $4)', [opId, op.agentId, op.command, JSON.stringify(op.ack)]);
}
