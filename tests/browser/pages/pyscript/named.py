import sys


def version():
    return sys.implementation.name


__export__ = ["version"]
