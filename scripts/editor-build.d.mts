/** Types of editor-build.mjs, for the TypeScript that imports it (the end-to-end tests' setup). */
export function editorFingerprint(root: string): string;
export function ensureEditorBuilt(options: {
  root: string;
  node: string;
  env?: NodeJS.ProcessEnv;
  force?: boolean;
  log?: (message: string) => void;
}): boolean;
