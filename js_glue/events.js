// @ts-check
// Declarative event control: a worker's listener runs after the event was dispatched (its call
// crosses by postMessage), too late for `event.preventDefault()`. So the worker declares at
// addEventListener time what the page must call synchronously when the event fires, in
// PyScript's spelling (reflected-ffi's `invoke` option):
//
//   form.addEventListener("submit", create_proxy(on_submit), {"invoke": "preventDefault"})
//   el.addEventListener("click", handler, {"invoke": ["preventDefault", "stopPropagation"]})
//
// dispatch.js hands every call of EventTarget's addEventListener / removeEventListener made by
// a worker to `listenerArgs`; calls.js calls `enforce` before it posts an event to the worker.

/** What a listener may ask the page to call on the event. */
export const INVOKE_METHODS = Object.freeze(["preventDefault", "stopPropagation", "stopImmediatePropagation"]);
/** The option keys addEventListener takes from a worker (the DOM's, and `invoke`). */
export const LISTENER_OPTIONS = Object.freeze(["capture", "once", "passive", "signal", "invoke"]);

const add = globalThis.EventTarget?.prototype.addEventListener;
const remove = globalThis.EventTarget?.prototype.removeEventListener;

/**
 * The methods declared per event target, per event type, per listener.
 * @type {WeakMap<object, Map<string, Map<Function, string[]>>>}
 */
const declared = new WeakMap();

/** @param {any} invoke */
function methodsOf(invoke) {
  const methods = Array.isArray(invoke) ? invoke : [invoke];
  for (const method of methods) {
    if (!INVOKE_METHODS.includes(method)) {
      throw new TypeError(
        `addEventListener: unknown invoke ${JSON.stringify(method)}: use one or a list of ${INVOKE_METHODS.join(", ")}`,
      );
    }
  }
  return methods;
}

/**
 * The arguments to call `fn` with: for a worker's addEventListener, its options checked (an
 * unknown key or invoke name throws a TypeError naming the valid ones) and `invoke` taken out
 * and recorded; for removeEventListener, the record dropped. Anything else: `args` unchanged.
 * @param {Function} fn @param {any} target the `this` of the call @param {any[]} args
 */
export function listenerArgs(fn, target, args) {
  if (fn === remove) {
    if (typeof args[1] === "function") declared.get(target)?.get(args[0])?.delete(args[1]);
    return args;
  }
  if (fn !== add) return args;
  const [type, listener, options] = args;
  if (options === null || typeof options !== "object") return args;
  const unknown = Object.keys(options).filter((key) => !LISTENER_OPTIONS.includes(key));
  if (unknown.length) {
    throw new TypeError(
      `addEventListener: unknown option ${unknown.map((k) => JSON.stringify(k)).join(", ")}: the valid ones are ${LISTENER_OPTIONS.join(", ")}`,
    );
  }
  if (!("invoke" in options)) return args;
  const { invoke, ...rest } = options;
  const methods = methodsOf(invoke);
  if (typeof listener === "function") {
    let byType = declared.get(target);
    if (!byType) declared.set(target, (byType = new Map()));
    let byListener = byType.get(type);
    if (!byListener) byType.set(type, (byListener = new Map()));
    byListener.set(listener, methods);
  }
  return [type, listener, rest];
}

/**
 * Call what `listener` declared for `event` (synchronously, while the event is dispatched).
 * @param {Function} listener @param {any} event
 */
export function enforce(listener, event) {
  if (typeof event?.type !== "string" || !event.currentTarget) return;
  const methods = declared.get(event.currentTarget)?.get(event.type)?.get(listener);
  if (methods) for (const method of methods) event[method]();
}
