"""Runs in a Web Worker: a number-guessing game written as a terminal program.

`input()` blocks this worker until the page answers (index.html gives PyWorker an async `input`
handler that waits for the form); `print` lines go to the page's `stdout` handler. The page
never blocks meanwhile.
"""

import random


def play():
    """One game; returns the number of guesses, or None if the player quit."""
    secret = random.randint(1, 100)
    print("I am thinking of a number from 1 to 100.")
    tries = 0
    while True:
        try:
            text = input("Your guess: ")
        except EOFError:  # the page's Quit button answers null
            print(f"Bye. It was {secret}.")
            return None
        tries += 1
        try:
            guess = int(text)
        except ValueError:
            print(f"{text!r} is not a whole number.")
            continue
        if guess < secret:
            print(f"{guess} is too low.")
        elif guess > secret:
            print(f"{guess} is too high.")
        else:
            print(f"Yes, {secret}! {tries} guesses.")
            return tries


__export__ = ["play"]
