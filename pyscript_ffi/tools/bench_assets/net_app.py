# The app of the network boot rows (bench_network.py): nothing to run, so the rows time the
# boot alone, the same for both systems.
BOOTED = True
