// @ts-check
// What a worker may do to the page beyond plain property access and calls. Kept out of the
// dispatcher: the channel asks the policy before it runs an op.
//
// Always: no worker may write to (SET, DELETE, ASSIGN) a built-in prototype (Object.prototype,
// Array.prototype, HTMLElement.prototype...) or write the key "__proto__" anywhere, so nothing a
// worker sends can pollute every object on the page.
// Optionally (PyWorker option `allow`): the worker reaches only the listed globals, and never
// holds the global scope itself (document.defaultView, globalThis.window...).

import { PermissionDenied } from "./errors.js";
import { GLOBAL_HANDLE, Op } from "./protocol.js";

/** @type {Set<number>} */
const WRITES = new Set([Op.SET, Op.DELETE, Op.ASSIGN]);
/** Ops whose subject (or, for GATHER, every path's first key) names a global when aimed at the scope. @type {Set<number>} */
const NAMING = new Set([Op.GET, Op.SET, Op.DELETE, Op.HAS, Op.CALL_METHOD]);

/** @type {WeakSet<object> | null} */
let builtinPrototypes = null;

/** The prototypes of every constructor the page's global scope holds, computed once. */
function prototypes() {
  if (builtinPrototypes) return builtinPrototypes;
  builtinPrototypes = new WeakSet([Object.prototype, Function.prototype]);
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = Object.getOwnPropertyDescriptor(globalThis, name)?.value; // no getter runs
    const proto = typeof value === "function" ? Object.getOwnPropertyDescriptor(value, "prototype")?.value : undefined;
    if (proto !== null && typeof proto === "object") builtinPrototypes.add(proto);
  }
  return builtinPrototypes;
}

export class Policy {
  /** @param {string[] | null} allow the globals a worker may reach, or null for all */
  constructor(allow) {
    this.allow = allow ? new Set(allow) : null;
  }

  /**
   * Throw PermissionDenied if the op may not run.
   * @param {number} op @param {number} targetId @param {any} target @param {any} subject @param {any[]} args
   */
  check(op, targetId, target, subject, args) {
    if (WRITES.has(op)) {
      if (prototypes().has(target)) {
        throw new PermissionDenied(`workers may not change a built-in prototype (${describeProto(target)}): it would change every object of that kind on the page`);
      }
      if (op !== Op.DELETE && (subject === "__proto__" || (op === Op.ASSIGN && args.some(hasProtoKey)))) {
        throw new PermissionDenied(`workers may not set "__proto__": it would replace the object's prototype`);
      }
    }
    if (this.allow && targetId === GLOBAL_HANDLE) {
      const names = op === Op.GATHER ? args.map((path) => path?.[0]) : op === Op.QUERY ? [subject?.[0]] : NAMING.has(op) ? [subject] : [];
      for (const name of names) {
        if (!this.allow.has(name)) {
          throw new PermissionDenied(`this page does not let workers reach ${JSON.stringify(name)} (PyWorker option allow: [${[...this.allow].join(", ")}])`);
        }
      }
      if (op === Op.KEYS || op === Op.CALL) throw new PermissionDenied("this page does not let workers use the global scope itself");
    }
  }

  /** With an allow-list, the global scope is never handed out (e.g. as document.defaultView). @param {any} value */
  checkOut(value) {
    if (this.allow && value === globalThis) {
      throw new PermissionDenied("this page does not let workers hold the global scope (PyWorker option allow)");
    }
  }
}

/** @param {any} source */
const hasProtoKey = (source) => source !== null && typeof source === "object" && Object.hasOwn(source, "__proto__");

/** @param {any} proto */
const describeProto = (proto) => `${proto?.constructor?.name ?? "a built-in"}.prototype`;
