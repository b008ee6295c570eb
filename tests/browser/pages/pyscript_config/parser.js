// A config-parser for the pages parser-*.html: lines "source -> destination" (not TOML, so
// smol-toml would refuse them), read as `files`. It counts its calls on the page.
export function parse(text) {
  globalThis.parserCalls = (globalThis.parserCalls ?? 0) + 1;
  const files = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const [source, dest] = line.split("->").map((part) => part.trim());
    files[source] = dest;
  }
  return { files };
}
