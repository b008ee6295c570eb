// The floor: a plain-JS synchronous round trip over SharedArrayBuffer + Atomics, no Python, no
// msgpack. The worker stores REQUEST (1) and waits for the page to store REPLY (2).
// mode "waitAsync": the page is parked in Atomics.waitAsync on the flag;
// mode "post": the worker also posts a message per call and the page answers in onmessage;
// mode "spin": as waitAsync, but the worker polls the flag before it blocks in Atomics.wait.
// mode "copy1mb": as spin, with 1 MiB copied into the buffer and out again each way.
onmessage = ({ data: { buffer, n, mode } }) => {
  const flag = new Int32Array(buffer, 0, 1);
  const data = new Uint8Array(buffer, 8);
  const payload = new Uint8Array(data.length).fill(7);
  const samples = new Float64Array(n);
  const start = performance.now();
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    if (mode === "copy1mb") data.set(payload);
    Atomics.store(flag, 0, 1);
    if (mode === "post") postMessage(k);
    else Atomics.notify(flag, 0);
    if (mode === "spin" || mode === "copy1mb") for (let s = 0; s < 2000 && Atomics.load(flag, 0) === 1; s++);
    while (Atomics.load(flag, 0) === 1) {
      if (Atomics.wait(flag, 0, 1, 5000) === "timed-out") {
        postMessage({ error: `no answer within 5 s at call ${k}` });
        return;
      }
    }
    if (mode === "copy1mb") data.slice(0, payload.length);
    samples[k] = performance.now() - t;
  }
  postMessage({ total: performance.now() - start, samples });
};
