// How long one request to either store may go unanswered before it fails: long enough for a large bulk
// request or a page of wide rows on a busy cluster. A store that keeps the connection but stops
// answering holds a run that long per request. A SIGTERM gives up a run's requests for records, but
// the lease's release still waits for the state store, so a pod's grace period exceeds it (deploy/,
// test/unit/deploy-manifests.test.ts).
export const REQUEST_TIMEOUT_MS = 60_000;
