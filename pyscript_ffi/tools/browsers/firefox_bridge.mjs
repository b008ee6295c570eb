// @ts-check
// Drives Firefox for pyscript_ffi/tools/browsers/firefox.py: puppeteer-core over WebDriver BiDi, one
// headless Firefox, many pages. Requests come as JSON lines on stdin,
//   {"id": 1, "op": "evaluate", "page": 2, "source": "...", "arg": null}
// and each gets one JSON line on stdout, {"id": 1, "value": ...} or {"id": 1, "error": "..."}.
// The first line out is {"ready": "<browser version>"}. stdin closing stops Firefox.

import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const [executablePath, evaluatorSource] = process.argv.slice(2);
// eslint-disable-next-line no-new-func
const evaluator = new Function(`return (${evaluatorSource});`)();

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  protocol: "webDriverBiDi",
  extraPrefsFirefox: { "network.proxy.type": 0 },
});
/** @type {Map<number, {page: import("puppeteer-core").Page, errors: string[]}>} */
const pages = new Map();
let nextPage = 1;

/** @param {object} record */
function send(record) {
  process.stdout.write(JSON.stringify(record) + "\n");
}

/** @param {number} id */
function page(id) {
  const entry = pages.get(id);
  if (!entry) throw new Error(`no page ${id}: it was closed`);
  return entry;
}

/** @type {Record<string, (request: any) => Promise<unknown>>} */
const OPS = {
  async newPage() {
    const tab = await browser.newPage();
    const id = nextPage++;
    const errors = /** @type {string[]} */ ([]);
    tab.on("pageerror", (e) => errors.push(String(e instanceof Error ? e.message : e)));
    pages.set(id, { page: tab, errors });
    return id;
  },
  async goto({ page: id, url, timeoutMs }) {
    await page(id).page.goto(url, { waitUntil: "load", timeout: timeoutMs });
    return null;
  },
  async reload({ page: id, timeoutMs }) {
    await page(id).page.reload({ waitUntil: "load", timeout: timeoutMs });
    return null;
  },
  async evaluate({ page: id, source, arg }) {
    return await page(id).page.evaluate(evaluator, [source, arg]);
  },
  async click({ page: id, selector }) {
    await page(id).page.click(selector);
    return null;
  },
  async fill({ page: id, selector, text }) {
    const tab = page(id).page;
    await tab.$eval(selector, (e) => { /** @type {HTMLInputElement} */ (e).value = ""; });
    await tab.type(selector, text);
    return null;
  },
  async type({ page: id, text }) {
    await page(id).page.keyboard.type(text);
    return null;
  },
  // puppeteer sends "Enter" over BiDi as WebDriver's \uE007, which Firefox reports as code
  // "NumpadEnter" (key "Enter", as the main key's)
  async press({ page: id, modifiers, key }) {
    const keyboard = page(id).page.keyboard;
    for (const modifier of modifiers) await keyboard.down(modifier);
    try {
      await keyboard.press(key);
    } finally {
      for (const modifier of [...modifiers].reverse()) await keyboard.up(modifier);
    }
    return null;
  },
  async errors({ page: id }) {
    return page(id).errors;
  },
  async close({ page: id }) {
    const entry = pages.get(id);
    pages.delete(id);
    await entry?.page.close();
    return null;
  },
};

send({ ready: await browser.version() });
const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  const request = JSON.parse(line);
  try {
    const op = OPS[request.op];
    if (!op) throw new Error(`unknown op ${JSON.stringify(request.op)}`);
    send({ id: request.id, value: await op(request) });
  } catch (e) {
    send({ id: request.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
lines.on("close", async () => {
  await browser.close();
  process.exit(0);
});
