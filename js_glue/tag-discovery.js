// @ts-check
// Finding PyScript tags: every <script type="py"> and <script type="mpy"> (and the older
// <py-script> and <mpy-script> elements; or the tags of
// another selector) in the page when it loads, and those added later (a MutationObserver),
// each handed once to `start`.

const SELECTOR = 'script[type="py"], script[type="mpy"], py-script, mpy-script';

export class TagDiscovery {
  /** @type {WeakSet<Element>} tags already handed on */
  #seen = new WeakSet();
  /** @type {(script: Element) => void} */
  #start;
  #selector;

  constructor(/** @type {(script: Element) => void} */ start, selector = SELECTOR) {
    this.#start = start;
    this.#selector = selector;
  }

  /** Hand on the tags in the page now, then watch for new ones. */
  watch(/** @type {Document} */ document) {
    document.querySelectorAll(this.#selector).forEach((script) => this.#found(script));
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of Array.from(record.addedNodes)) {
          if (!(node instanceof Element)) continue;
          this.#found(node);
          node.querySelectorAll(this.#selector).forEach((script) => this.#found(script));
        }
      }
    }).observe(document, { childList: true, subtree: true });
  }

  #found(/** @type {Element} */ element) {
    if (this.#seen.has(element) || !element.matches(this.#selector)) return;
    this.#seen.add(element);
    this.#start(element);
  }
}
