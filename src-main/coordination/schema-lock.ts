/**
 * One maker of the shared database's tables at a time (leases, plan memory, history): instances
 * starting together would race on `create table`. A transaction-scoped advisory lock.
 */
export const SCHEMA_LOCK = 'select pg_advisory_xact_lock(7361029)';
