import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { Person } from '../../shared/protocol/handoff.ts';
import type { ReassignedEvent, TeamAgentView, TeamView } from '../../shared/protocol/lead.ts';
import { signedInStore } from './signed-in.ts';

/** A lead's view of their team: its settings and its people, as the hub last sent them. */
export interface TeamState {
  team: TeamView | null;
  agents: TeamAgentView[];
}

export const teamStore = signedInStore<TeamState>(() => ({ team: null, agents: [] }));

export function useTeam<T>(selector: (state: TeamState) => T): T {
  return useStore(teamStore, useShallow(selector));
}

export const applyTeam = (team: TeamView): void => teamStore.setState({ team });
export const applyAgents = (agents: TeamAgentView[]): void => teamStore.setState({ agents });

/** "Reassigned to you by Lee": what the agent is told about a handoff a lead gave them. */
export interface ReassignedNotice {
  by: Person;
  note: string | null;
  /** The agent held it before: "Back to you from Lee". */
  returned: boolean;
}

export const reassignedStore = signedInStore<Record<string, ReassignedNotice>>(() => ({}));

export function applyReassigned({ handoff, by, note }: ReassignedEvent, returned = false): void {
  reassignedStore.setState({ [handoff.id]: { by, note: note ?? null, returned } });
}

export function dismissReassigned(handoffId: string): void {
  const { [handoffId]: _gone, ...rest } = reassignedStore.getState();
  reassignedStore.setState(rest, true);
}
