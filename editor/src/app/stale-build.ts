/**
 * After Junction is updated, an open tab still points at the old build's chunk names, which no
 * longer exist; React.lazy keeps the failed import, so only a page load can recover.
 */
const reloadedAtKey = 'junction.reloadedForNewBuild';
/** A second failure this soon after our own reload means reloading does not help: stop and say so. */
const loopWindowMs = 30_000;

/** Whether an error is a lazy chunk that could not be fetched (each browser words it its own way). */
export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(
    error.message,
  );
}

/** Reloads the page once; returns false when a reload was just tried, so the caller shows a message instead. */
export function reloadOnce(storage: Storage = sessionStorage, reload: () => void = () => window.location.reload()): boolean {
  const last = Number(storage.getItem(reloadedAtKey) ?? 0);
  if (Date.now() - last < loopWindowMs) return false;
  storage.setItem(reloadedAtKey, String(Date.now()));
  reload();
  return true;
}
