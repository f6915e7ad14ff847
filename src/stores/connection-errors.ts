// Failures to reach or log in to a store, with what to check next. Raised at start-up, before any
// record is touched.
import { SyncedError } from "../config/errors.js";

export class ConnectionError extends SyncedError {}

export class AuthenticationError extends SyncedError {}
