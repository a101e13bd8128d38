// Filled in with the hub's template database; see test/support/hub.ts.
export default async function setup(): Promise<void> {}
