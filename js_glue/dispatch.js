// @ts-check
// One handler per op. Each gets the channel context, the resolved target, the subject and the
// arguments, and returns a wire-ready value (objects lent through `ctx.out`). Handlers may throw:
// the channel turns every exception into an error reply.

import { Op, PROTOCOL_VERSION } from "./protocol.js";
import { MissingProperty, ProtocolError, describe } from "./errors.js";
import { listenerArgs } from "./events.js";
import { outcomeOf } from "./outcomes.js";

/**
 * @typedef {object} Context
 * @property {(value: any) => any} out      a value by value if primitive, else lent as a handle
 * @property {(value: any) => any} copy     a deep copy of arrays / plain objects / bytes
 * @property {() => any} scope               the global scope's handle (policies do not apply)
 */

/** @param {any} key */
function propertyKey(key) {
  if (typeof key === "string" || typeof key === "number") return key;
  throw new ProtocolError(`a property key must be a string or a number, not ${describe(key)}`);
}

/**
 * Python's `item in target`: membership the way the container defines it (Set/Map `has`,
 * DOMTokenList `contains`, array `includes`), else JS's `key in object`.
 * @param {any} target @param {any} item
 */
function contains(target, item) {
  if (typeof target.has === "function") return Boolean(target.has(item));
  if (typeof target.contains === "function") return Boolean(target.contains(item));
  if (typeof target.includes === "function") return Boolean(target.includes(item));
  return propertyKey(item) in target;
}

/** @param {any} target */
function lengthOf(target) {
  const n = target.length ?? target.size;
  if (typeof n !== "number") throw new TypeError(`${describe(target)} has no length or size`);
  return n;
}

/** @type {Record<number, (ctx: Context, target: any, subject: any, args: any[]) => any>} */
export const HANDLERS = {
  [Op.HELLO]: (ctx, target, subject, [version]) => {
    if (version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `worker speaks protocol ${version}, page speaks ${PROTOCOL_VERSION}: serve the same pyscript-ffi to both`,
      );
    }
    return ctx.scope();
  },
  [Op.GET]: (ctx, target, key) => {
    const value = target[propertyKey(key)];
    if (value === undefined && !(key in Object(target))) throw new MissingProperty(key, target);
    return ctx.out(value);
  },
  [Op.SET]: (ctx, target, key, [value]) => {
    target[propertyKey(key)] = value;
    return undefined;
  },
  [Op.DELETE]: (ctx, target, key) => delete target[propertyKey(key)],
  [Op.HAS]: (ctx, target, subject, [item]) => contains(target, item),
  [Op.CALL]: (ctx, target, thisArg, args) =>
    ctx.out(Reflect.apply(target, thisArg ?? undefined, listenerArgs(target, thisArg, args))),
  [Op.CALL_METHOD]: (ctx, target, key, args) => {
    const method = target[propertyKey(key)];
    if (method === undefined && !(key in Object(target))) throw new MissingProperty(key, target);
    if (typeof method !== "function") throw new TypeError(`${describe(target)}.${key} is not a function`);
    return ctx.out(Reflect.apply(method, target, listenerArgs(method, target, args)));
  },
  [Op.NEW]: (ctx, target, subject, args) => ctx.out(Reflect.construct(target, args)),
  [Op.ITER]: (ctx, target) => ctx.out(target[Symbol.iterator]()),
  [Op.NEXT]: (ctx, iterator, batch) => {
    const values = [];
    const limit = Math.max(1, Math.min(Number(batch) || 1, 4096));
    while (values.length < limit) {
      const step = iterator.next();
      if (step.done) return [true, values];
      values.push(ctx.out(step.value));
    }
    return [false, values];
  },
  [Op.LENGTH]: (ctx, target) => lengthOf(target),
  [Op.TYPEOF]: (ctx, target) => typeof target,
  [Op.INSTANCEOF]: (ctx, target, subject, [klass]) => target instanceof klass,
  [Op.STR]: (ctx, target) => String(target),
  [Op.KEYS]: (ctx, target) => {
    const keys = new Set();
    for (let o = Object(target); o !== null; o = Object.getPrototypeOf(o)) {
      for (const k of Object.getOwnPropertyNames(o)) keys.add(k);
    }
    return [...keys];
  },
  [Op.COPY]: (ctx, target) => ctx.copy(target),
  [Op.RELEASE]: () => undefined, // the drops that came with the request did the work (Channel.run)
  [Op.QUERY]: (ctx, target, path) => ctx.out(walk(target, path)),
  // every path is walked before any value is lent: a failing path must not strand handles
  [Op.GATHER]: (ctx, target, subject, paths) => paths.map((path) => walk(target, path)).map(ctx.out),
  [Op.ASSIGN]: (ctx, target, subject, sources) => ctx.out(Object.assign(target, ...sources)),
  [Op.AWAIT]: (ctx, target) => {
    const outcome = outcomeOf(target);
    if (!outcome.settled) return [false, null];
    if (!outcome.ok) {
      outcome.taken = true; // the worker has it: never reported as unhandled (outcomes.js)
      throw outcome.value; // a non-Error reason: the channel's error record names it
    }
    return [true, ctx.out(outcome.value)];
  },
};

/** @param {any[]} path */
const showPath = (path) =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i ? `.${k}` : k)).join("");

/**
 * The value at the end of `path` (property keys only: a path is data, never code).
 * @param {any} start @param {any} path
 */
function walk(start, path) {
  if (!Array.isArray(path)) throw new ProtocolError(`a query path must be an array of keys, not ${describe(path)}`);
  let value = start;
  for (let i = 0; i < path.length; i++) {
    const key = propertyKey(path[i]);
    if (value === null || value === undefined) {
      throw new TypeError(`${showPath(path)}: step ${i + 1} (${showPath([key])}) reads from ${value}`);
    }
    const next = value[key];
    if (next === undefined && !(key in Object(value))) {
      const error = new MissingProperty(key, value);
      error.message = `${showPath(path)}: step ${i + 1} failed: ${error.message}`;
      throw error;
    }
    value = next;
  }
  return value;
}
