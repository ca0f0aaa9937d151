"""Bulk throughput: a 1,000-row and a 10,000-row batch end to end through PostgreSQL, Redis and two
real worker processes (`celery -A worker worker`, one pool process each), in the same run; and
the in-process figure beside it: `appeals bulk` (no broker, SQLite) on 10,000 rows, on one process
and on every core.

Prints, per batch: letters per second (upload to last letter), the seconds spent staging the file
(parse + validate + store), working (match + render + store letters) and streaming the ZIP, and
the peak memory (RSS) of each process: this one (the web side: staging and the ZIP) and each
worker's main and pool processes (sampled every 0.2 s, since pool processes are recycled). Memory
should stay flat as the batch grows. First, where the time goes per letter, measured in-process.

Needs PostgreSQL and Redis on 127.0.0.1 (as CI has). Synthetic data only.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000)
WORKERS = 2
TARGET_LETTERS_PER_SECOND = 150
TARGET_IN_PROCESS = 400

FIRST = ["Jane", "John", "Ana", "Li", "Omar", "Zoë", "Kwame", "Sofia", "Raj", "Mia", "Ines", "Tom"]
LAST = ["Doe", "Roe", "Smith", "Nguyen", "García", "Okafor", "Novak", "Haddad", "Ito", "Berg"]
PLANS = ["employer", "marketplace", "medicare_advantage", "medicaid", "government_employer"]
CASES = [
    ("72148", "Low back pain with left leg radiation, MRI requested",
     "Physical therapy 2024-12-16 to 2025-02-10, 14 visits, no improvement | Re-evaluation "
     "2025-02-12: positive straight leg raise on the left, diminished left ankle reflex"),
    ("72148", "Low back pain, MRI requested", "Back pain for 2 weeks | Ibuprofen as needed"),
    ("70551", "Headaches, MRI brain requested",
     "New headache pattern since 2025-01-05 at age 58 | Neurological exam normal"),
    ("MRI lumbar spine without contrast", "MRI requested",
     "Naproxen 500 mg twice daily 2024-11-01 to 2025-01-20 without relief | Lumbar X-ray "
     "2024-12-20: degenerative changes | Progressive weakness of left foot dorsiflexion"),
]


def synthetic_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Patient Name", "DOB", "Member ID", "Plan Type", "Payer", "CPT",
                     "Denial Date", "Claim #", "Denial Reason", "Original Request", "Notes"])
    for i in range(rows):
        service, request, notes = CASES[i % len(CASES)]
        writer.writerow([
            f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]}", f"19{40 + i % 50}-0{1 + i % 9}-1{i % 10}",
            f"SYN{100000 + i}", PLANS[i % len(PLANS)], "Synthetic Health Plan", service,
            f"2025-03-{1 + i % 28:02d}", f"PA-{i:06d}",
            "Not medically necessary: no documentation of 6 weeks of conservative treatment.",
            request, notes,
        ])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Memory


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def database_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving connections to `database` (its process title
    names the database)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if f" {database} " in f" {title} ":
            pids.append(int(entry.name))
    return pids


class MemorySampler:
    """Peak RSS of each worker's main process and of its pool processes, sampled; CPU time of
    the pool processes and of the database's server processes."""

    def __init__(self, workers, database: str = ""):
        self.workers = workers
        self.database = database
        self.database_cpu: dict[int, float] = {}
        self.peaks: dict[str, int] = {}
        self.pool_cpu: dict[int, float] = {}  # pool pid -> CPU seconds used (last seen)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._note("this process (web side)", rss_kib(os.getpid()))
            for pid in database_backends(self.database):
                self.database_cpu[pid] = cpu_seconds(pid)
            for number, worker in enumerate(self.workers, start=1):
                main = worker.process.pid
                self._note(f"worker {number} main", rss_kib(main))
                for child in children(main):
                    self._note(f"worker {number} pool", rss_kib(child))
                    self.pool_cpu[child] = cpu_seconds(child)
            time.sleep(0.2)

    def _note(self, name: str, kib: int) -> None:
        self.peaks[name] = max(self.peaks.get(name, 0), kib)

    def __enter__(self):
        self._start_cpu = {}
        for pid in database_backends(self.database):
            self._start_cpu[pid] = cpu_seconds(pid)
        for worker in self.workers:
            for child in children(worker.process.pid):
                self._start_cpu[child] = cpu_seconds(child)
        self._thread.start()
        return self

    @property
    def pool_cpu_seconds(self) -> float:
        return sum(used - self._start_cpu.get(pid, 0.0) for pid, used in self.pool_cpu.items())

    @property
    def database_cpu_seconds(self) -> float:
        return sum(used - self._start_cpu.get(pid, 0.0) for pid, used in self.database_cpu.items())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------------------------------------
# Where the time goes


def per_letter_costs(samples: int = 200) -> None:
    from appeals.intake.spreadsheet import parse_sheet
    from appeals.letters import build_context, builtin_template, default_kind
    from appeals.letters.text import docx_text
    from appeals.matching import match_case

    data = synthetic_csv(samples)
    started = time.process_time()
    cases = [row.case for row in parse_sheet(data).rows]
    parse = time.process_time() - started
    match_case(cases[0])  # loads the criteria library once
    started = time.process_time()
    results = [match_case(case) for case in cases]
    match = time.process_time() - started
    kinds = [default_kind(result) for result in results]
    for kind in set(kinds):
        builtin_template(kind)
    started = time.process_time()
    contexts = [build_context(c, r, kind=k) for c, r, k in zip(cases, results, kinds)]
    context = time.process_time() - started
    started = time.process_time()
    documents = [builtin_template(k).render(ctx) for k, ctx in zip(kinds, contexts)]
    render = time.process_time() - started
    started = time.process_time()
    for document in documents[:50]:
        docx_text(document)
    preview = (time.process_time() - started) * samples / 50
    size = sum(map(len, documents)) / samples
    print(f"  CPU-ms per letter, in-process ({samples} rows): parse+validate {1000 * parse / samples:.2f} ms, "
          f"match {1000 * match / samples:.2f} ms, letter context {1000 * context / samples:.2f} ms, "
          f"render .docx {1000 * render / samples:.2f} ms ({size / 1024:.0f} KiB); "
          f"reading its text back would add {1000 * preview / samples:.2f} ms (no letter does: "
          "the status page reads it when viewed)")


# ---------------------------------------------------------------------------------------------
# End to end


def run_batch(app, principal, rows: int, workers, database: str) -> dict:
    from appeals.extensions import db
    from appeals.models import Batch
    from appeals.services import bulk as batches

    data = synthetic_csv(rows)
    with app.app_context(), MemorySampler(workers, database) as sampler:
        busy_before, all_before = machine_busy_seconds()
        started = time.perf_counter()
        batch = batches.stage_file(data, f"bench-{rows}.csv", principal, source="api",
                                   max_bytes=50 * 1024 * 1024)
        staged = time.perf_counter()
        batches.start(batch)
        batch_id = batch.id
        while True:
            db.session.expire_all()
            record = db.session.get(Batch, batch_id)
            progress = batches.progress(record)
            if progress.status == "finished":
                break
            time.sleep(0.25)
        finished = time.perf_counter()
        busy_after, all_after = machine_busy_seconds()
        size = 0
        for chunk in batches.iter_archive(record):
            size += len(chunk)
        zipped = time.perf_counter()
    assert progress.done == rows and progress.failed == 0, progress
    return {
        "rows": rows, "letters": progress.done, "stage": staged - started,
        "work": finished - staged, "zip": zipped - finished, "zip_mib": size / 2**20,
        "upload_to_letters": finished - started, "total": zipped - started,
        "peaks": dict(sampler.peaks), "pool_cpu": sampler.pool_cpu_seconds,
        "database_cpu": sampler.database_cpu_seconds,
        "machine_busy": (busy_after - busy_before) / (all_after - all_before),
    }


def in_process(rows: int, processes: int) -> tuple[float, float, float]:
    """`appeals bulk FILE -o OUT.zip --processes N` on `rows` rows, a fresh process on a fresh
    SQLite database (migrated first, untimed): (seconds from file to ZIP, CPU seconds it used
    with its pool processes, the share of the machine's cores busy meanwhile)."""
    import resource
    import subprocess
    import tempfile
    import zipfile

    command = [sys.executable, "-c", "from appeals.cli import cli; cli()"]
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "APPEALS_INSTANCE_PATH": directory,
               "APPEALS_BULK_MAX_BYTES": str(50 * 1024 * 1024)}
        source, out = Path(directory) / "denials.csv", Path(directory) / "letters.zip"
        source.write_bytes(synthetic_csv(rows))
        subprocess.run([*command, "db-upgrade"], env=env, check=True, capture_output=True)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_before, all_before = machine_busy_seconds()
        started = time.perf_counter()
        subprocess.run([*command, "bulk", str(source), "-o", str(out), "--processes",
                        str(processes)], env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        busy_after, all_after = machine_busy_seconds()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert len(zipfile.ZipFile(out).namelist()) == rows + 1
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    return seconds, cpu, (busy_after - busy_before) / (all_after - all_before)


def run() -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from flask_migrate import upgrade
    from support.workers import ServiceConfig, WorkerProcess, postgres_database

    from appeals.app import MIGRATIONS_DIR, create_app
    from appeals.access import Principal
    from appeals.accounts.passwords import hash_password
    from appeals.extensions import db
    from appeals.models import Organization, User

    per_letter_costs()
    import tempfile

    with tempfile.TemporaryDirectory() as directory, postgres_database() as url:
        config = ServiceConfig.redis(url, Path(directory), WORKER_MAX_TASKS_PER_CHILD=1000)
        app = create_app(config.app_config())
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            org = Organization(name="Bench Clinic")
            db.session.add(org)
            db.session.flush()
            user = User(email="bench@example.test", password_hash=hash_password("x" * 12),
                        organization_id=org.id)
            db.session.add(user)
            db.session.commit()
            principal = Principal(user_id=user.id, organization_id=org.id)
        workers = [WorkerProcess(config, concurrency=1, name=f"bench{n}") for n in range(WORKERS)]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.wait_ready()
            database = url.rsplit("/", 1)[-1]
            results = [run_batch(app, principal, rows, workers, database) for rows in SIZES]
        finally:
            for worker in workers:
                worker.stop()
            config.cleanup()
            with app.app_context():
                db.engine.dispose()
    for result in results:
        rate = result["letters"] / result["upload_to_letters"]
        print(f"  {result['rows']:>6} rows, {WORKERS} workers: {rate:6.1f} letters/s "
              f"(target {TARGET_LETTERS_PER_SECOND}); total {result['total']:.1f} s = staging "
              f"{result['stage']:.1f} s + letters {result['work']:.1f} s + ZIP "
              f"{result['zip']:.1f} s ({result['zip_mib']:.0f} MiB)")
        pool_ms = 1000 * result["pool_cpu"] / result["letters"]
        database_ms = 1000 * result["database_cpu"] / result["letters"]
        print(f"         where the time goes, CPU-ms per letter: worker pools {pool_ms:.1f} (match, "
              f"render, SQL client), PostgreSQL {database_ms:.1f} (this run's database); the "
              f"machine's cores were {100 * result['machine_busy']:.0f}% busy (with anything else "
              f"running). On {WORKERS} otherwise idle cores that is at most "
              f"{WORKERS * 1000 / (pool_ms + database_ms):.0f} letters/s")
        peaks = ", ".join(f"{name} {kib / 1024:.0f} MiB" for name, kib in
                          sorted(result["peaks"].items()))
        print(f"         peak RSS: {peaks}")
    cores = len(os.sched_getaffinity(0))
    rows = SIZES[-1]
    for processes in sorted({1, cores}):
        seconds, cpu, busy = in_process(rows, processes)
        print(f"  {rows:>6} rows, in-process (`appeals bulk`, SQLite, {processes} "
              f"process{'es' if processes > 1 else ''}): {rows / seconds:6.1f} letters/s "
              f"(target {TARGET_IN_PROCESS} on every core); {seconds:.1f} s from file to ZIP, "
              f"{1000 * cpu / rows:.1f} CPU-ms per letter; the machine's cores were "
              f"{100 * busy:.0f}% busy (with anything else running)")
