import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { Decorations, EditorActions, EditorState, EditorStore } from './editor-store.ts';

const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ store, children }: { store: EditorStore; children: ReactNode }) {
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditor is used outside an EditorStoreProvider');
  return store;
}

/** Reads one value of the problems and run state drawn over nodes (compared with Object.is): for node views, rendered by the hundred. */
export function useDecoration<T>(selector: (state: Decorations) => T): T {
  return useStore(useEditorStore().decorations, selector);
}

/** Reads the canvas store; the selector's result is compared shallowly, so returning an object of fields is fine. */
export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useEditorStore(), useShallow(selector));
}
