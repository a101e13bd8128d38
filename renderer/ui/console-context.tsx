import { createContext, useContext, type ReactNode } from 'react';
import type { Platform } from '../platform/platform.ts';
import type { Controller } from './controls.ts';

interface Console {
  controller: Controller;
  platform: Platform;
}

const ConsoleContext = createContext<Console | null>(null);

export function ConsoleProvider({ controller, platform, children }: Console & { children: ReactNode }) {
  return <ConsoleContext.Provider value={{ controller, platform }}>{children}</ConsoleContext.Provider>;
}

function useConsole(): Console {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('the console views need a <ConsoleProvider> above them');
  return value;
}

/** The actions views may take; what they show comes from the stores. */
export const useController = (): Controller => useConsole().controller;

export const usePlatform = (): Platform => useConsole().platform;
