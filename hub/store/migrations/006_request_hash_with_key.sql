-- A request's hash is only ever compared with a retry of the same Idempotency-Key, so only
-- requests with a key get one: hashing every packet (its keys sorted) cost every bot request time
-- for nothing.
alter table handoffs alter column request_hash drop not null;
