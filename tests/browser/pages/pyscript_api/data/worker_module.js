// a module the pages list under js_modules "worker" (tests/browser/test_pyscript_api.py)
export const where = () =>
  typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope ? "worker module in a worker" : "worker module on the page";
