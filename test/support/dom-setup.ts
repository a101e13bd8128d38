/// <reference types="@testing-library/jest-dom/vitest" />
import { afterEach } from 'vitest';

// Component tests opt into jsdom per file (`// @vitest-environment jsdom`); the node tests must not
// load DOM-only helpers, so they are imported only where a document exists.
if (typeof document !== 'undefined') {
  await import('@testing-library/jest-dom/vitest');
  const { cleanup } = await import('@testing-library/react');
  afterEach(() => cleanup());
}
