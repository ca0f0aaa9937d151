"""Run every benchmark in turn. `python -m bench [name ...]` runs only the named ones."""

import importlib
import sys
import time

MODULES = ["matching", "letters", "service", "bulk", "documents", "load"]


def main(names: list[str]) -> int:
    failed = 0
    for name in names or MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            print(f"{name}: no benchmark yet")
            continue
        started = time.perf_counter()
        try:
            module.run()
        except Exception as exc:  # report and go on: one broken benchmark must not hide the rest
            failed += 1
            print(f"{name}: FAILED: {exc!r}")
        print(f"({name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
