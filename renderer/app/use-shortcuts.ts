import { useEffect } from 'react';
import { availableActions } from '../actions/available.ts';
import { runAction } from '../actions/run-action.ts';
import { rowId } from '../inbox/InboxRow.tsx';
import { safeWebUrl } from '../../shared/domain/links.ts';
import { handoffsStore, selectHandoff, selectInboxOrder } from '../state/handoffs.ts';
import { pendingStore, selectPendingFor } from '../state/pending.ts';
import { sessionStore } from '../state/session.ts';
import { closeDetail, closeForm, moveSelection, selectHandoffRow, setHelpOpen, showView, uiStore } from '../state/ui.ts';
import { useController } from '../ui/console-context.tsx';
import { shortcutFor, type Shortcut } from './shortcuts.ts';

/** Single-key shortcuts for the whole console (see SHORTCUTS); state is read when the key is pressed. */
export function useShortcuts(): void {
  const controller = useController();
  useEffect(() => {
    const run = (shortcut: Shortcut): boolean => {
      const ui = uiStore.getState();
      const agentId = sessionStore.getState().agent?.id;
      if (ui.helpOpen) {
        if (shortcut.kind !== 'help' && shortcut.kind !== 'back') return false;
        setHelpOpen(false);
        return true;
      }
      const handoff = selectHandoff(ui.selectedId)(handoffsStore.getState());
      switch (shortcut.kind) {
        case 'help':
          setHelpOpen(true);
          return true;
        case 'settings':
          showView(ui.view === 'settings' ? 'inbox' : 'settings');
          return true;
        case 'back':
          if (ui.form) closeForm();
          else if (ui.view === 'settings') showView('inbox');
          else if (ui.detailOpen) closeDetail();
          else return false;
          return true;
      }
      if (ui.view !== 'inbox') return false;
      switch (shortcut.kind) {
        case 'move': {
          moveSelection(shortcut.delta, selectInboxOrder(agentId)(handoffsStore.getState()));
          const id = uiStore.getState().selectedId;
          if (id) document.getElementById(rowId(id))?.focus();
          return true;
        }
        case 'open':
          if (!ui.selectedId) return false;
          selectHandoffRow(ui.selectedId, true);
          return true;
        case 'openConversation': {
          const url = safeWebUrl(handoff?.packet.source?.conversationUrl);
          if (url) controller.openLink(url);
          return url !== null;
        }
        case 'action': {
          if (!handoff || selectPendingFor(handoff.id)(pendingStore.getState()).length > 0) return false;
          if (!availableActions(handoff, agentId).includes(shortcut.action)) return false;
          selectHandoffRow(handoff.id, true);
          runAction(shortcut.action, handoff, controller);
          return true;
        }
      }
    };
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      const shortcut = shortcutFor(event);
      if (shortcut && run(shortcut)) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [controller]);
}
