# A times-tables quiz in a terminal: print() and input() as in any terminal program, run in a
# worker (its input() blocks the worker, never the page) by
# <script type="mpy" terminal worker src="quiz.py">. Runs unchanged on Pyodide (type="py").
import random

BOLD, GREEN, RED, RESET = "\x1b[1m", "\x1b[32m", "\x1b[31m", "\x1b[0m"
QUESTIONS = 5


def ask_number(prompt):
    while True:
        answer = input(prompt).strip()
        try:
            return int(answer)
        except ValueError:
            print(f"{RED}a whole number, please{RESET}")


def play():
    score = 0
    try:
        for _ in range(QUESTIONS):
            a, b = random.randint(2, 12), random.randint(2, 12)
            if ask_number(f"{a} x {b} = ") == a * b:
                score += 1
                print(f"{GREEN}right{RESET}")
            else:
                print(f"{RED}no, {a * b}{RESET}")
    except KeyboardInterrupt:
        print("given up")
    return score


print(f"{BOLD}Times tables{RESET}: {QUESTIONS} questions. Ctrl-C gives up a round.")
name = input("Your name? ").strip() or "player"
while True:
    score = play()
    print(f"{name}, you scored {BOLD}{score}/{QUESTIONS}{RESET}")
    if input("Again? (y/n) ").strip().lower() != "y":
        break
print("Bye!")
