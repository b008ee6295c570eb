// Sends malformed frames and header attacks through a real Caller and tallies the replies.
import { Caller } from "/_ffi/stub.js";
import { ErrorRecord, decode, encode } from "/_ffi/wire.js";
import { DATA_OFFSET, Op, Slot, State, Status } from "/_ffi/protocol.js";

const refs = { remote: (id) => ({ remote: id }), callback: (id) => ({ callback: id }) };
const STATUSES = new Set(Object.values(Status));

/** A reply frame's status, its shape checked as the worker's codec (broker/wire.py) checks it. */
function replyStatus(bytes) {
  const reply = decode(bytes, refs);
  if (!Array.isArray(reply) || reply.length !== 2 || !STATUSES.has(reply[0])) {
    throw new Error(`a reply must be [status, body] with a known status, not ${JSON.stringify(reply)}`);
  }
  if (reply[0] !== Status.OK && !(reply[1] instanceof ErrorRecord)) {
    throw new Error("an error reply's body must be an ERROR ext");
  }
  return reply[0];
}

onmessage = ({ data: { buffer, doorbell, cases, seed } }) => {
  const caller = new Caller(buffer, 5000, { doorbell });
  const tally = { sent: 0, statuses: {}, failures: [] };
  let state = seed >>> 0 || 1;
  const rand = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const bytes = (n) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));

  function send(name, frame) {
    tally.sent++;
    const reply = caller.roundtrip(frame);
    if (typeof reply === "string") return fail(name, `no answer: ${reply}`);
    let status;
    try {
      status = replyStatus(reply.slice()); // the reply is a view into the shared buffer
    } catch (e) {
      return fail(name, `undecodable reply: ${e.message}`);
    }
    tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    if (status === Status.INTERNAL) fail(name, "INTERNAL reply");
    return status;
  }
  const fail = (name, why) => { if (tally.failures.length < 20) tally.failures.push(`${name}: ${why}`); };

  // random bytes of every small length
  for (let i = 0; i < cases; i++) send(`random ${i}`, bytes(1 + Math.floor(rand() * 64)));
  // valid requests cut short
  const valid = encode([Op.GET, 0, "document", []]);
  for (let n = 1; n < valid.length; n++) send(`truncated ${n}`, valid.subarray(0, n));
  // well-formed msgpack, wrong shapes and types
  const shapes = [
    [], [1], [Op.GET, "0", "x", []], [Op.GET, -1, "x", []], [Op.GET, 0, {}, []], [Op.GET, 0, "x", "args"],
    [99, 0, null, []], [Op.CALL, 0, null, [], [1]], [Op.GET, 0, "x", [], "drops"], { op: 1 }, "str", 42,
    [Op.GET, 2 ** 31, "x", []], [Op.NEXT, 0, 10, []], [Op.QUERY, 0, "not a path", []], [Op.GATHER, 0, null, [5]],
  ];
  for (const shape of shapes) send(`shape ${JSON.stringify(shape)}`, encode(shape));
  // unknown ext codes, and ours with wrong payload sizes
  for (const hex of ["d46500", "d47300", "d4ff00", "d41000", "d50100ff", "c70701aabbccddeeff00", "d40200"]) {
    send(`ext ${hex}`, Uint8Array.from([0x94, Op.GET, 0, 0xa1, 0x78, ...hex.match(/../g).map((h) => parseInt(h, 16))]));
  }
  // nesting far deeper than any real value, and declared sizes far beyond the frame
  const deep = new Uint8Array(200000).fill(0x91);
  deep[deep.length - 1] = 0xc0;
  send("deep nesting", deep);
  for (const hex of ["dbffffffff", "ddffffffff", "dfffffffff", "c6ffffffff", "c9ffffffff01"]) {
    send(`huge size ${hex}`, Uint8Array.from([0x94, Op.GET, 0, ...hex.match(/../g).map((h) => parseInt(h, 16)), 0x90]));
  }
  // header attacks: TOTAL and CHUNK that do not fit the buffer
  const i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
  for (const [total, chunk] of [[1e9, 1e9], [-5, 3], [10, 20], [100, 0], [3, -1], [buffer.byteLength, buffer.byteLength]]) {
    tally.sent++;
    i32[Slot.TOTAL] = total;
    i32[Slot.CHUNK] = chunk;
    Atomics.store(i32, Slot.STATE, State.REQUEST);
    Atomics.notify(i32, Slot.STATE);
    caller.transfer.ring?.();
    const deadline = performance.now() + 5000;
    while ([State.REQUEST, State.BUSY].includes(Atomics.load(i32, Slot.STATE)) && performance.now() < deadline) {
      Atomics.wait(i32, Slot.STATE, Atomics.load(i32, Slot.STATE), 100);
    }
    if (Atomics.load(i32, Slot.STATE) !== State.REPLY) { fail(`header ${total}/${chunk}`, "no reply"); continue; }
    const reply = new Uint8Array(buffer, DATA_OFFSET, i32[Slot.CHUNK]).slice();
    const status = replyStatus(reply);
    tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    if (status !== Status.BAD_REQUEST) fail(`header ${total}/${chunk}`, `status ${status}`);
  }
  // and the page still serves a sane request
  const ok = replyStatus(caller.roundtrip(encode([Op.GET, 0, "location", []])).slice());
  tally.afterwards = ok === Status.OK ? "serving" : `status ${ok}`;
  postMessage(tally);
};
