// @ts-check
// The errors js_glue throws on purpose, each answered with its own reply status (STATUS_OF,
// the one table from exception to status in js_glue; the worker raises the twin in
// broker/errors.py). Any other exception a handler throws is THROWN: the page's code threw.
//
//   Error
//   ├── ProtocolError      BAD_REQUEST  bytes that do not decode, a frame or header of the wrong shape
//   ├── HandleError        BAD_HANDLE   an id that is not live on this channel
//   ├── MissingProperty    MISSING      a GET of a key the target does not have
//   └── PermissionDenied   DENIED       the page's policy refused the op

import { Status } from "./protocol.js";

/** Describe a value for a message: "a Map", "an object", "number 3". @param {any} value */
export function describe(value) {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    return value.constructor?.name ? `a ${value.constructor.name}` : `an ${typeof value}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** A protocol error: bytes that do not decode, or a frame or header of the wrong shape. */
export class ProtocolError extends Error {
  name = "ProtocolError";
}

/** Raised for an id that is not live. */
export class HandleError extends Error {
  name = "HandleError";
}

/** A GET of a key the target does not have: the worker raises AttributeError or KeyError. */
export class MissingProperty extends Error {
  name = "MissingProperty";
  /** @param {any} key @param {any} target */
  constructor(key, target) {
    super(`${describe(target)} has no property ${JSON.stringify(String(key))}`);
  }
}

/** A refusal by the page's policy. */
export class PermissionDenied extends Error {
  name = "PermissionDenied";
}

/**
 * Each error above and the reply status that carries it to the worker.
 * @type {ReadonlyArray<readonly [new (...args: any[]) => Error, number]>}
 */
export const STATUS_OF = Object.freeze([
  [ProtocolError, Status.BAD_REQUEST],
  [HandleError, Status.BAD_HANDLE],
  [MissingProperty, Status.MISSING],
  [PermissionDenied, Status.DENIED],
]);

/** The reply status for an exception: its class's in STATUS_OF, else THROWN. @param {unknown} e */
export function statusOf(e) {
  for (const [type, status] of STATUS_OF) if (e instanceof type) return status;
  return Status.THROWN;
}
