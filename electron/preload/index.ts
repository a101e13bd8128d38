// The sandboxed preload (bundled to CommonJS: sandboxed preloads cannot load ES modules).
import './zod-jitless.ts';
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../shared/protocol/bridge.ts';
import { createPreloadBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadBridge(ipcRenderer));
