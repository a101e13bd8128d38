import { render, type RenderResult } from '@testing-library/react';
import { App } from '../../renderer/app/App.tsx';
import { ConsoleProvider } from '../../renderer/app/console-context.tsx';
import type { Controller } from '../../renderer/app/controller.ts';
import type { Platform } from '../../renderer/platform/platform.ts';

/** The whole console, as main.tsx mounts it, over a test console's fakes. */
export function renderConsole(c: { controller: Controller; platform: Platform }): RenderResult {
  return render(
    <ConsoleProvider controller={c.controller} platform={c.platform}>
      <App />
    </ConsoleProvider>,
  );
}
