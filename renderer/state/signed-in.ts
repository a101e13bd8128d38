import { clearConflicts } from './conflicts.ts';
import { clearHandoffs } from './handoffs.ts';
import { clearProductNotices } from './product-notices.ts';
import { clearProducts } from './product.ts';
import { clearSession } from './session.ts';
import { clearReassigned, clearTeam } from './team.ts';
import { resetUi } from './ui.ts';

/**
 * Forgets everything that belonged to the person signed in (sign-out, another hub or token): the
 * one list of those stores, so a new store is cleared everywhere it must be. Pending actions and
 * settings are not theirs to clear here.
 */
export function clearSignedInState(): void {
  clearHandoffs();
  clearSession();
  clearConflicts();
  resetUi();
  clearTeam();
  clearReassigned();
  clearProducts();
  clearProductNotices();
}
