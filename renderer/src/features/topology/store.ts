/** Topology explorer UI state (zustand slice): the selected node and the search text. */
import { create } from 'zustand';

/** Explorer state. */
export interface TopologyUiState {
  selected: string | null;
  query: string;
  select(id: string | null): void;
  setQuery(q: string): void;
}

/** The explorer's store hook. */
export const useTopologyUi = create<TopologyUiState>((set) => ({
  selected: null,
  query: '',
  select: (selected) => set({ selected }),
  setQuery: (query) => set({ query }),
}));
