// a module the pages list under js_modules "main" (tests/browser/test_pyscript_api.py)
export const where = () => "page module";
export const add = (a, b) => a + b;
