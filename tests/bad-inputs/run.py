#!/usr/bin/env python3
"""The bad-input corpus (issue 9): runs one case of cases.json, or every case for the benchmark.

A case is a command line, its inputs (committed files under this directory, or files generated
into a fresh temporary directory: 100 MB files, 100,000-deep nesting, binary data, symlink loops,
directories where a file is expected, unreadable files) and what must come back: exit code 2,
stderr matching every regex of `stderr` (file:line:column where the input has a position, and a
help that says what to change) and none of the regexes of `must_not` (crashes, sanitizer reports,
uncaught exceptions, internal errors).

  run.py --binary BUILD/mlscale --case NAME   one case, as ctest runs it (exit 0 pass, 1 fail, 77 skipped)
  run.py --binary BUILD/mlscale --list        the case names, one per line
  run.py --binary BUILD/mlscale --bench [N]   every case N times (default 3): a Markdown table of the
                                              best wall time and the peak memory of each, for
                                              scripts/bench-bad-inputs (never timed in ctest)

Time is not asserted here: the runner only stops a case that has not finished after
--hang-seconds (a hang, reported as a failure).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
NOBODY = 65534


def load_manifest():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        return json.load(f)


def expand(text, tmp):
    return text.replace("{src}", HERE).replace("{tmp}", tmp)


# --- Generators: each writes one input into the case's temporary directory. ---

def gen_repeat(spec, tmp):
    """head + unit repeated until the file is `megabytes` MB (MiB) + tail."""
    path = expand(spec["path"], tmp)
    head = spec.get("head", "").encode()
    unit = spec["unit"].encode()
    tail = spec.get("tail", "").encode()
    target = int(spec["megabytes"] * 1024 * 1024)
    count = max(0, (target - len(head) - len(tail)) // len(unit))
    with open(path, "wb") as f:
        f.write(head)
        block = unit * max(1, (1 << 20) // len(unit))
        per_block = len(block) // len(unit)
        written = 0
        while written + per_block <= count:
            f.write(block)
            written += per_block
        f.write(unit * (count - written))
        f.write(tail)


def gen_nested(spec, tmp):
    """prefix + open * depth + middle + close * depth + suffix."""
    path = expand(spec["path"], tmp)
    depth = spec["depth"]
    text = spec.get("prefix", "") + spec["open"] * depth + spec.get("middle", "") + spec["close"] * depth + spec.get("suffix", "")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def gen_binary(spec, tmp):
    """`bytes` pseudo-random bytes (fixed seed, so every run sees the same file) after `prefix`."""
    path = expand(spec["path"], tmp)
    rng = random.Random(spec.get("seed", 9))
    data = spec.get("prefix", "").encode("latin-1") + bytes(rng.randrange(256) for _ in range(spec["bytes"]))
    with open(path, "wb") as f:
        f.write(data)


def gen_symlink_loop(spec, tmp):
    """path -> path.loop -> path: opening either fails with ELOOP."""
    path = expand(spec["path"], tmp)
    os.symlink(os.path.basename(path) + ".loop", path)
    os.symlink(os.path.basename(path), path + ".loop")


def gen_directory(spec, tmp):
    os.makedirs(expand(spec["path"], tmp), exist_ok=True)


def gen_copy(spec, tmp):
    """A committed file or directory copied into the temporary directory (to sit beside generated ones)."""
    source = expand(spec["from"], tmp)
    target = expand(spec["path"], tmp)
    if os.path.isdir(source):
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)


def gen_unreadable(spec, tmp):
    """A copy of a committed file with mode 000 (run as `nobody` when the runner is root)."""
    gen_copy(spec, tmp)
    os.chmod(expand(spec["path"], tmp), 0)


GENERATORS = {
    "repeat": gen_repeat,
    "nested": gen_nested,
    "binary": gen_binary,
    "symlink-loop": gen_symlink_loop,
    "directory": gen_directory,
    "copy": gen_copy,
    "unreadable": gen_unreadable,
}


def prepare(case, tmp):
    for spec in case.get("generate", []):
        directory = os.path.dirname(expand(spec["path"], tmp))
        os.makedirs(directory, exist_ok=True)
        GENERATORS[spec["kind"]](spec, tmp)


def needs_unprivileged(case):
    return any(spec["kind"] == "unreadable" for spec in case.get("generate", []))


# --- Running ---

class Result:
    def __init__(self, code, stdout, stderr, wall, peak_kib, hung):
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.wall = wall
        self.peak_kib = peak_kib
        self.hung = hung


GNU_TIME = "/usr/bin/time"


def run_binary(binary, case, tmp, hang_seconds, as_nobody):
    args = [binary] + [expand(arg, tmp) for arg in case["args"]]
    # Peak memory: the kernel keeps a child's high-water mark across exec, so wait4 on a child
    # forked from this (large) Python process would report Python's size. GNU time, small itself,
    # forks and execs mlscale and reports mlscale's own.
    maxrss_path = os.path.join(tmp, ".maxrss")
    if os.access(GNU_TIME, os.X_OK):
        with open(maxrss_path, "w"):
            pass
        os.chmod(maxrss_path, 0o666)
        args = [GNU_TIME, "-f", "%M", "-o", maxrss_path] + args
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", MLSCALE_TODAY="2026-01-01")
    stdin_path = expand(case["stdin"], tmp) if "stdin" in case else os.devnull
    out_path = os.path.join(tmp, ".stdout")
    err_path = os.path.join(tmp, ".stderr")
    extra = {}
    if as_nobody:
        extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    with open(stdin_path, "rb") as stdin, open(out_path, "wb") as stdout, open(err_path, "wb") as stderr:
        start = time.monotonic()
        # A session of its own, so a hang is stopped with everything it started (time and mlscale).
        process = subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=stderr, cwd=tmp, env=env, start_new_session=True,
                                   **extra)
        hung = threading.Event()

        def stop():
            hung.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it ended just now

        timer = threading.Timer(hang_seconds, stop)
        timer.start()
        # wait4, not wait: the child's own resource usage (peak resident memory).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, "rb") as f:
        out = f.read().decode("utf-8", "replace")
    with open(err_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    peak_kib = usage.ru_maxrss
    if args[0] == GNU_TIME:
        with open(maxrss_path, encoding="utf-8") as f:
            lines = f.read().split()
        # GNU time runs the command and exits with its status (a signal shows as 128 + N).
        peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else peak_kib
    return Result(process.returncode, out, err, wall, peak_kib, hung.is_set())


def make_tmp(case):
    tmp = tempfile.mkdtemp(prefix="mlscale-bad-")
    # The case may run as nobody: the directory must be reachable, the files readable.
    os.chmod(tmp, 0o755)
    return tmp


def remove_tmp(tmp):
    for root, dirs, files in os.walk(tmp):
        for name in dirs + files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
    shutil.rmtree(tmp, ignore_errors=True)


def privilege_plan(binary, case):
    """How to run a case with an unreadable file: (run as nobody?, reason to skip or None)."""
    if not needs_unprivileged(case):
        return False, None
    if os.geteuid() != 0:
        return False, None
    # Root reads mode-000 files; run the case as nobody, which needs to reach the binary.
    try:
        probe = subprocess.run([binary, "--version"], user=NOBODY, group=NOBODY, extra_groups=[],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", check=False)
    except (PermissionError, OSError) as error:
        return False, f"running as root and {binary} cannot be run as nobody ({error})"
    if probe.returncode != 0:
        return False, f"running as root and {binary} cannot be run as nobody (exit {probe.returncode})"
    return True, None


def check(case, result, must_not):
    failures = []
    expected = case.get("exit", 2)
    if result.hung:
        failures.append(f"did not finish in the hang guard's time: killed after {result.wall:.1f} s")
    elif result.code != expected:
        failures.append(f"exit code: expected {expected}, got {result.code}")
    for pattern in case["stderr"]:
        if not re.search(pattern, result.stderr, re.M):
            failures.append(f"stderr does not match: {pattern}")
    for pattern in must_not + case.get("must_not", []):
        for stream, text in (("stderr", result.stderr), ("stdout", result.stdout)):
            if re.search(pattern, text, re.M):
                failures.append(f"{stream} matches what it must not: {pattern}")
    return failures


def find_case(manifest, name):
    for case in manifest["cases"]:
        if case["name"] == name:
            return case
    return None


def run_in_tmp(binary, case, hang_seconds, as_nobody):
    """Runs one case in a fresh temporary directory holding its generated inputs, removed after."""
    tmp = make_tmp(case)
    try:
        prepare(case, tmp)
        return run_binary(binary, case, tmp, hang_seconds, as_nobody)
    finally:
        remove_tmp(tmp)


def run_one(binary, manifest, name, hang_seconds):
    case = find_case(manifest, name)
    if case is None:
        print(f"no case named {name}", file=sys.stderr)
        return 1
    as_nobody, skip = privilege_plan(binary, case)
    if skip:
        print(f"skipped: {skip}")
        return SKIP
    result = run_in_tmp(binary, case, hang_seconds, as_nobody)
    failures = check(case, result, manifest["must_not"])
    shown = " ".join(case["args"])
    print(f"case {name}: mlscale {shown}{' (as nobody)' if as_nobody else ''}")
    print(f"exit {result.code}, {result.wall * 1000:.0f} ms, peak {result.peak_kib / 1024:.1f} MiB")
    print("--- stderr")
    print(result.stderr[:4000])
    if failures:
        print("--- failures")
        for failure in failures:
            print(failure)
        return 1
    return 0


def bench(binary, manifest, repeats, hang_seconds):
    """Every case `repeats` times: a Markdown table on stdout, then `slowest=` and `cases=` lines."""
    rows = []
    for case in manifest["cases"]:
        as_nobody, skip = privilege_plan(binary, case)
        if skip:
            rows.append((case, None, None, f"skipped: {skip}"))
            continue
        best = None
        peak = 0
        failures = []
        for _ in range(repeats):
            result = run_in_tmp(binary, case, hang_seconds, as_nobody)
            best = result.wall if best is None else min(best, result.wall)
            peak = max(peak, result.peak_kib)
            failures += check(case, result, manifest["must_not"])
        rows.append((case, best, peak, "; ".join(sorted(set(failures))) if failures else f"exit {result.code}"))
        print(f"{case['name']}: {best * 1000:.1f} ms, {peak / 1024:.1f} MiB", file=sys.stderr)
    print(f"| case | format | covers | wall time (best of {repeats}) | peak memory | result |")
    print("|---|---|---|---:|---:|---|")
    for case, best, peak, outcome in rows:
        wall = "-" if best is None else f"{best * 1000:.0f} ms"
        memory = "-" if peak is None else f"{peak / 1024:.1f} MiB"
        print(f"| `{case['name']}` | {case['format']} | {', '.join(case['covers'])} | {wall} | {memory} | {outcome} |")
    timed = [row for row in rows if row[1] is not None]
    slowest = max(timed, key=lambda row: row[1])
    print(f"slowest={slowest[0]['name']} {slowest[1] * 1000:.0f} ms")
    print(f"cases={len(rows)}")
    failed = [row[0]["name"] for row in rows if not row[3].startswith(("exit ", "skipped"))]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--case")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--bench", type=int, nargs="?", const=3)
    parser.add_argument("--hang-seconds", type=float, default=20.0)
    options = parser.parse_args()
    manifest = load_manifest()
    binary = os.path.abspath(options.binary)
    if options.list:
        for case in manifest["cases"]:
            print(case["name"])
        return 0
    if options.bench:
        return bench(binary, manifest, options.bench, options.hang_seconds)
    if options.case:
        return run_one(binary, manifest, options.case, options.hang_seconds)
    parser.error("give --case NAME, --list or --bench")
    return 2


if __name__ == "__main__":
    sys.exit(main())
