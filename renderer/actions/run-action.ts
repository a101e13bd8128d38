import type { Handoff } from '../../shared/protocol/handoff.ts';
import type { AgentControls } from '../ui/controls.ts';
import { openForm, type ActionForm } from '../state/ui.ts';
import type { ActionName } from './available.ts';

export const FORM_OF: Partial<Record<ActionName, ActionForm>> = { decline: 'decline', returnToBot: 'returnToBot', routeToProduct: 'routeToProduct' };

/** Runs an action, from a button or a key: the three that need words open their form, the others go straight out. */
export function runAction(action: ActionName, handoff: Handoff, controller: AgentControls): void {
  const form = FORM_OF[action];
  if (form) return openForm(form);
  if (action === 'accept') controller.accept(handoff.id);
  if (action === 'resolve') controller.resolve(handoff.id);
}
