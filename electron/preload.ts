/**
 * The sandboxed preload (bundled to dist/electron-preload.cjs). It exposes exactly one object,
 * `window.watchfloor`, with one function per command; the page never sees ipcRenderer or a generic
 * invoke. A sandboxed preload can require only 'electron', so everything else it uses is bundled in.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge, type WatchfloorBridge } from './bridge.ts';

const bridge = createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args)) satisfies WatchfloorBridge;

contextBridge.exposeInMainWorld('watchfloor', bridge);
