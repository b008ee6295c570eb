// @ts-check
// PyScript's round trips, counted on the page: coincident posts one message per synchronous call
// on a MessagePort, so the page counts the messages its MessagePort listeners receive into
// window.pyscriptMessages, which workloads.py reads around a batch. bench.html and plugin.html
// install it before PyScript starts.

/** Count every message a MessagePort "message" listener added from now on receives. */
export function countPortMessages() {
  const add = MessagePort.prototype.addEventListener;
  /** @type {any} */ (window).pyscriptMessages = 0;
  /** @type {any} */ (MessagePort.prototype).addEventListener = function (
    /** @type {string} */ type, /** @type {any} */ listener, /** @type {any[]} */ ...rest) {
    if (type === "message" && typeof listener === "function") {
      const inner = listener;
      listener = function (/** @type {MessageEvent} */ event) {
        /** @type {any} */ (window).pyscriptMessages++;
        return inner.call(this, event);
      };
    }
    return add.call(this, type, listener, ...rest);
  };
}
