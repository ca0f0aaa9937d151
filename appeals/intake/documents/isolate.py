"""Each file is parsed in its own child process, under a hard memory limit (RLIMIT_AS, which
Tesseract inherits), a CPU limit, and a wall-clock timeout after which it is killed.

A PDF bomb, a picture that decompresses to gigabytes or a parser bug then costs one child: the
caller gets a refusal naming the file, and the web process, the worker and the other files are
untouched. The file travels on the child's standard input, never through a file on disk; the
text comes back as JSON on its standard output.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys

from .extract import Limits, extract
from .model import DocumentRefused, ExtractedDocument


def extract_isolated(name: str, data: bytes, limits: Limits) -> ExtractedDocument:
    """Like extract(), in a child process; raises DocumentRefused for anything it could not do."""
    if len(data) > limits.max_bytes:  # not even worth a process
        raise DocumentRefused(f"{name}: {len(data):,} bytes; at most {limits.max_bytes:,} are read")
    header = json.dumps({"name": name, "limits": limits.to_json()}).encode() + b"\n"
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL",
                                                                      "HOME", "TESSDATA_PREFIX")}
    env["OMP_THREAD_LIMIT"] = "1"  # Tesseract's threads fight over a small machine's cores
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "appeals.intake.documents.isolate"], input=header + data,
            capture_output=True, timeout=limits.time_limit, env=env, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise DocumentRefused(f"{name}: reading it took longer than {limits.time_limit:g} "
                              "seconds, so it was stopped") from None
    if completed.returncode == 0:
        answer = json.loads(completed.stdout)
        if "error" in answer:
            raise DocumentRefused(answer["error"])
        return ExtractedDocument.from_json(answer["document"])
    if completed.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise DocumentRefused(f"{name}: reading it took longer than {limits.time_limit:g} "
                              "seconds, so it was stopped")
    # A failed allocation under the memory limit ends the child one way or another.
    raise DocumentRefused(f"{name}: reading it needed more than {limits.memory_mb:,} MB of "
                          "memory (a damaged or oversized file), so it was stopped")


def _apply_limits(limits: Limits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.time_limit) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no copy of the file


def _child() -> int:
    header = sys.stdin.buffer.readline()
    request = json.loads(header)
    limits = Limits(**request["limits"])
    _apply_limits(limits)
    data = sys.stdin.buffer.read()
    try:
        document = extract(request["name"], data, limits)
        answer = {"document": document.to_json()}
    except DocumentRefused as refused:
        answer = {"error": str(refused)}
    except MemoryError:
        answer = {"error": f"{request['name']}: reading it needed more than {limits.memory_mb:,} "
                           "MB of memory, so it was stopped"}
    except Exception as exc:  # a parser's own failure: its message could quote the file
        answer = {"error": f"{request['name']}: the file could not be read "
                           f"({type(exc).__name__}); is it damaged?"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
