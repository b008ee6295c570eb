// The terminal of PyScript's `terminal` attribute (js_glue/tag-terminal.js loads it): xterm.js
// and its fit addon, bundled by esbuild (pyscript_ffi/assets.py `bundle`) into one ES module
// served as /_ffi/bundles/xterm.js, with xterm's stylesheet beside it as xterm.css.
export { Terminal } from "@xterm/xterm";
export { FitAddon } from "@xterm/addon-fit";
