# A terminal program for tests/browser/test_terminal.py, on both interpreters: colours, input()
# from the terminal, Ctrl-C while input() waits, __terminal__, then a REPL (code.interact).
import code
import sys

print("\x1b[32mgreen\x1b[0m on", sys.implementation.name)
name = input("name? ")
print("hello " + name)
total = 0
try:
    while True:
        line = input("add> ")
        if line == "done":
            break
        total += int(line)
        print("total", total)
except KeyboardInterrupt:
    print("interrupted at", total)
print("cols", __terminal__.cols > 0)  # noqa: F821 - the terminal tag defines it
code.interact(banner="the REPL", local={"total": total}, exitmsg="bye")
