export * from './agent.ts';
export * from './botframework.ts';
export * from './handoff.ts';
export * from './http.ts';
export * from './issues.ts';
export * from './packet.ts';
export * from './socket.ts';
