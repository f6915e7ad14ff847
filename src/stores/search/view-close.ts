// A read's view (a point in time, scroll contexts) is freed on the cluster also when a stop gave the
// read up: closed with the stop's signal, already aborted, the close was never sent, and the view held
// the cluster's resources for its keep-alive (5 minutes). It goes without that signal, but a store
// that stopped answering must not hold a stopped run for the request timeout either: the close waits
// this long at most, and a view it could not close expires by itself.
export const VIEW_CLOSE_MS = 2000;

/** The signal a view's close is sent with: its own short bound, never the run's stop. */
export function viewCloseSignal(): AbortSignal {
  return AbortSignal.timeout(VIEW_CLOSE_MS);
}
