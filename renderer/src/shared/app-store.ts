/**
 * UI state that is not server data (zustand): the stream's connection state, the engine's clock
 * offset and demo flag from `hello`. Server data lives in react-query, never here.
 */
import { create } from 'zustand';
import type { ConnectionState } from '../api/stream.ts';

/** The app-wide UI state. */
export interface AppState {
  connection: ConnectionState;
  /** serverTime − Date.now() at the last hello, so "now" on the wall is the engine's now. */
  clockOffsetMs: number;
  /** The engine said it runs the demo estate (hello). */
  helloDemo: boolean;
  /** Last time any stream message arrived (client clock). */
  lastEventAt: number | null;
  setConnection(state: ConnectionState): void;
  noteHello(serverTime: number, demo: boolean): void;
  noteEvent(): void;
}

/** The store hook. */
export const useAppStore = create<AppState>((set) => ({
  connection: 'connecting',
  clockOffsetMs: 0,
  helloDemo: false,
  lastEventAt: null,
  setConnection: (connection) => set({ connection }),
  noteHello: (serverTime, demo) => set({ clockOffsetMs: serverTime - Date.now(), helloDemo: demo }),
  noteEvent: () => set({ lastEventAt: Date.now() }),
}));

/** The engine's current time, by the last known offset. */
export function engineNow(): number {
  return Date.now() + useAppStore.getState().clockOffsetMs;
}
