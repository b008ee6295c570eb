// The editor of PyScript's `py-editor` / `mpy-editor` tags (js_glue/tag-editor.js loads it):
// CodeMirror 6 with Python highlighting, bundled by esbuild (pyscript_ffi/assets.py `bundle`)
// into one ES module served as /_ffi/bundles/codemirror.js.
export { basicSetup, EditorView } from "codemirror";
export { keymap } from "@codemirror/view";
export { indentWithTab } from "@codemirror/commands";
export { indentUnit } from "@codemirror/language";
export { python } from "@codemirror/lang-python";
