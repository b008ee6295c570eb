"""A worker file that fails at top level: PyWorker.ready must reject with this traceback."""

def divide():
    return 1 / 0


divide()
