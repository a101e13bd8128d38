import { z } from 'zod';

export const ROLES = ['agent', 'lead'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PRESENCES = ['available', 'away', 'offline'] as const;
export const Presence = z.enum(PRESENCES);
export type Presence = z.infer<typeof Presence>;

/** An agent or lead as the apps see them. `presence` is `offline` whenever no app is connected. */
export const AgentView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  team: z.string(),
  skills: z.array(z.string()),
  capacity: z.number().int(),
  presence: Presence,
  /** Handoffs accepted and not finished. */
  load: z.number().int(),
});
export type AgentView = z.infer<typeof AgentView>;

export const ROUTING_MODES = ['push', 'broadcast'] as const;
export const RoutingMode = z.enum(ROUTING_MODES);
export type RoutingMode = z.infer<typeof RoutingMode>;
