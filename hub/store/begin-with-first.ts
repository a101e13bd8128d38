import pg from 'pg';

/**
 * A transaction's BEGIN sent in one message with its first statement, instead of in a round trip
 * of its own: over a network every round trip costs a write, a wake-up of the server process and
 * one of the hub, whatever the statement does. In the extended query protocol BEGIN is bound and
 * executed like any statement, and what follows it up to the Sync runs in the transaction it
 * opened, which stays open after the Sync (PostgreSQL documentation, "Pipelining").
 *
 * BEGIN is a named prepared statement on each connection; this sends only its Bind and Execute,
 * so the answer the statement's own query object sees has no ParseComplete that is not its own.
 */
const BEGIN = { name: 'baton_begin', text: 'begin' } as const;

/** The parts of node-postgres' connection and Query that sending BEGIN first needs. */
interface ProtocolConnection {
  bind(config: { statement: string; portal: string }): void;
  execute(config: { portal: string }): void;
}
interface QueryInternals {
  prepare(connection: ProtocolConnection): void;
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
}
type QueryCallback = (error: Error | null, result: pg.QueryResult) => void;
const Query = pg.Query as unknown as new (config: pg.QueryConfig & { queryMode: 'extended' }, values: undefined, callback: QueryCallback) => QueryInternals & pg.Submittable;

class AfterBegin extends Query {
  private begun = false;

  override prepare(connection: ProtocolConnection): void {
    // Sent corked with the statement's Parse, Bind, Describe, Execute and Sync: one write.
    connection.bind({ statement: BEGIN.name, portal: '' });
    connection.execute({ portal: '' });
    super.prepare(connection);
  }

  /** BEGIN's CommandComplete comes first; the statement's result is what follows. */
  override handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (!this.begun) {
      this.begun = true;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

/** Connections on which BEGIN is prepared. */
const ready = new WeakSet<pg.ClientBase>();

/**
 * Runs `config` as the first statement of a transaction on `client`, BEGIN with it. The first
 * time on a connection BEGIN is prepared on its own. When the statement fails the transaction is
 * open (and aborted): roll it back as after any failed statement.
 */
export async function queryAfterBegin(client: pg.ClientBase, config: pg.QueryConfig): Promise<pg.QueryResult> {
  if (!ready.has(client)) {
    await client.query(BEGIN);
    ready.add(client);
    return client.query(config);
  }
  return new Promise((resolve, reject) => {
    // Extended mode also for a statement without name or parameters, so it goes through prepare().
    const query = new AfterBegin({ ...config, queryMode: 'extended' }, undefined, (error, result) => (error ? reject(error) : resolve(result)));
    client.query(query);
  });
}
