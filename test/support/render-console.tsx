import { render, type RenderResult } from '@testing-library/react';
import { App } from '../../renderer/app/App.tsx';
import { ConsoleProvider } from '../../renderer/ui/console-context.tsx';
import type { Platform } from '../../renderer/platform/platform.ts';
import type { Controller } from '../../renderer/ui/controls.ts';

/** The whole console, as main.tsx mounts it, over a test console's fakes. */
export function renderConsole(c: { controller: Controller; platform: Platform }): RenderResult {
  return render(
    <ConsoleProvider controller={c.controller} platform={c.platform}>
      <App />
    </ConsoleProvider>,
  );
}
