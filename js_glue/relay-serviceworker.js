// @ts-check
// The service worker of the relay transport (relay.js), for pages that cannot share memory with
// their workers (not cross-origin isolated, or no SharedArrayBuffer). A worker cannot wait for a
// message, but it can block in a synchronous XMLHttpRequest: its stub (relay-stub.js) sends each
// request frame as one to `<...>/_ffi/relay/<key>`; this service worker takes the request, hands
// the frame to the page, and answers the request with the page's reply. The page gives this
// service worker a MessagePort for `key` (a message {relay: key, port}); a service worker that
// the browser stopped and started again has lost the port and reaches the page over the
// BroadcastChannel named for `key` instead, on which the page sends a new port. Nothing else
// outlives a request, so a browser that stops this service worker loses nothing.
//
// Requests (method, path after `relay/`; each answer carries RELAY_HEADER, which says what it is):
//   POST <key>?timeout=ms&seq=n  body: a request frame   -> "reply" (the reply frame: base64 in the
//                                                        header REPLY_HEADER if small, else the body),
//                                                        or a Failure:
//                                                        "unclaimed" if the page did not take it in
//                                                        time (it then never runs it), "busy" if it
//                                                        took it and did not answer in time
//   GET  <key>/hello?timeout=ms                      -> "version:<n>": the page serves `key`
//   GET  pause?ms=n                                  -> "paused", after n ms (a worker's sleep)
// Messages on the channel: to the page {id, frame, seq, deadline} (frame null: hello; the page takes
// no request after its deadline, which comes TAKE_MARGIN_MS before this worker gives up); from the
// page {id, taken: true} as it takes a request, then {id, reply} | {id, failure}; {id, version};
// {closed: true} (the page no longer serves `key`).
//
// A built site's coi-serviceworker.js loads this script too (importScripts), so the site has one
// service worker for both jobs; this script's fetch listener goes first and stops the event for
// the requests it answers.

(() => {
  const sw = /** @type {any} */ (self);
  /** the words of relay.js: the path under which requests come, the header every answer carries */
  const PATH = "/_ffi/relay/";
  const HEADER = "x-pyscript-ffi-relay";
  const REPLY_HEADER = "x-pyscript-ffi-relay-reply";
  const CHANNEL_PREFIX = "pyscript-ffi-relay:";
  /** the longest a request may ask the page to take (ms): a bound even for a forged one */
  const MAX_WAIT_MS = 10 * 60 * 1000;
  /** replies of at least this many bytes go as a Blob, smaller ones in REPLY_HEADER */
  const BLOB_BYTES = 1 << 16;
  /** ms between the page's deadline to take a request and this worker's answer without it */
  const TAKE_MARGIN_MS = 50;

  /** @typedef {{ channel: BroadcastChannel, port: MessagePort | null, pending: Map<number, (message: any) => void> }} Page */
  /** @type {Map<string, Page>} */
  const pages = new Map();
  let nextId = 1;

  sw.addEventListener("install", () => sw.skipWaiting());
  sw.addEventListener("activate", (/** @type {any} */ event) => event.waitUntil(sw.clients.claim()));

  sw.addEventListener("message", (/** @type {any} */ event) => {
    const { relay: key, port } = event.data ?? {};
    if (typeof key !== "string" || !(port instanceof MessagePort)) return;
    const page = pageOf(key);
    page.port?.close();
    page.port = port;
    port.onmessage = ({ data }) => receive(key, page, data);
  });

  sw.addEventListener("fetch", (/** @type {any} */ event) => {
    const url = new URL(event.request.url);
    const at = url.pathname.indexOf(PATH);
    if (url.origin !== sw.location.origin || at < 0) return;
    event.stopImmediatePropagation(); // coi-serviceworker.js's listener must not answer it too
    event.respondWith(answer(event.request, url, url.pathname.slice(at + PATH.length)));
  });

  /** @param {string} kind @param {BodyInit | null} [body] @param {string} [reply] base64, REPLY_HEADER */
  const respond = (kind, body = null, reply = undefined) => {
    /** @type {Record<string, string>} */
    const headers = { [HEADER]: kind, "cache-control": "no-store" };
    if (reply !== undefined) headers[REPLY_HEADER] = reply;
    return new Response(body, { status: 200, headers });
  };

  /** @param {Request} request @param {URL} url @param {string} rest */
  async function answer(request, url, rest) {
    if (rest === "pause") {
      const ms = Math.min(Math.max(Number(url.searchParams.get("ms")) || 0, 0), MAX_WAIT_MS);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return respond("paused");
    }
    const [key, what = ""] = rest.split("/");
    const timeout = Math.min(Math.max(Number(url.searchParams.get("timeout")) || 0, 1), MAX_WAIT_MS);
    if (!key || (what !== "" && what !== "hello")) {
      return new Response(`pyscript-ffi relay: no such request ${rest}`, { status: 404, headers: { [HEADER]: "unknown" } });
    }
    const frame = what === "hello" ? null : await request.arrayBuffer();
    const message = await ask(key, frame, Number(url.searchParams.get("seq")) || 0, timeout);
    if (message === null) return respond("unclaimed"); // the page drops it past its deadline
    if (message.taken) return respond("busy"); // its late answer is dropped with its id
    if (message.version !== undefined) return respond(`version:${message.version}`);
    if (message.failure !== undefined) return respond(String(message.failure));
    // a reply under BLOB_BYTES goes in a header (REPLY_HEADER, base64), with no body: in
    // Chromium a response with a body took ~1 ms more to reach the worker's XMLHttpRequest than
    // one without (measured: 2.4 against 1.3 ms a round trip); a large reply as a Blob, whose
    // bytes Chromium hands over whole, a typed array's in small pieces (relay-stub.js)
    const reply = message.reply;
    if (reply.byteLength < BLOB_BYTES) return respond("reply", null, toBase64(reply));
    return respond("reply", new Blob([reply]));
  }

  /** @param {Uint8Array} bytes */
  function toBase64(bytes) {
    const native = /** @type {any} */ (bytes).toBase64;
    if (typeof native === "function") return native.call(bytes);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, /** @type {any} */ (bytes.subarray(i, i + 0x8000)));
    }
    return btoa(text);
  }

  /**
   * The page's answer to `frame` (null: hello); if none came within `timeout` ms, null, or
   * {taken: true} if the page took the request.
   * @param {string} key @param {ArrayBuffer | null} frame @param {number} seq @param {number} timeout
   * @returns {Promise<any>}
   */
  function ask(key, frame, seq, timeout) {
    const page = pageOf(key);
    const id = nextId++;
    return new Promise((resolve) => {
      let taken = false;
      const timer = setTimeout(() => {
        page.pending.delete(id);
        resolve(taken ? { taken } : null);
      }, timeout);
      page.pending.set(id, (message) => {
        if (message.taken) {
          taken = true;
          return;
        }
        clearTimeout(timer);
        page.pending.delete(id);
        resolve(message);
      });
      const deadline = Date.now() + Math.max(timeout - TAKE_MARGIN_MS, timeout / 2);
      (page.port ?? page.channel).postMessage({ id, frame, seq, deadline });
    });
  }

  /** The way to the page serving `key` (made on first use). @param {string} key @returns {Page} */
  function pageOf(key) {
    let page = pages.get(key);
    if (!page) {
      const channel = new BroadcastChannel(CHANNEL_PREFIX + key);
      /** @type {Page} */
      const made = { channel, port: null, pending: new Map() };
      channel.onmessage = ({ data }) => receive(key, made, data);
      pages.set(key, (page = made));
    }
    return page;
  }

  /** A message from the page serving `key`. @param {string} key @param {Page} page @param {any} data */
  function receive(key, page, data) {
    if (data?.closed) {
      // the page stopped serving `key` (its worker ended): answer what waits, forget it
      for (const settle of page.pending.values()) settle({ failure: "unclaimed" });
      page.channel.close();
      page.port?.close();
      pages.delete(key);
    } else page.pending.get(data?.id)?.(data);
  }
})();
