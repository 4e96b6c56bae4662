"""The sandbox itself, driven by small honest tasks that misbehave in the child."""
from __future__ import annotations

import ast
import ctypes
import errno
import os
import resource
import signal
import sys
import threading
import time

import pytest

from docflow.extraction.errors import (
    SandboxCrashed,
    SandboxMemoryExceeded,
    SandboxOutputTooLarge,
    SandboxTimeout,
)
from docflow.extraction.sandbox import PRELOAD_MODULES, Limits, run_sandboxed

LIMITS = Limits(memory_mb=512, cpu_seconds=30, max_output_bytes=1024 * 1024)


# Tasks run in the child; they must be module-level so the child can import them by name.

def echo(payload: bytes) -> bytes:
    return payload


def report_limits() -> bytes:
    kinds = ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE")
    return repr({kind: resource.getrlimit(getattr(resource, kind)) for kind in kinds}).encode()


def report_preloaded() -> bytes:
    return repr(sorted(name for name in ("pypdf", "docx", "lxml", "odf", "charset_normalizer")
                       if name in sys.modules)).encode()


def allocate(megabytes: int) -> bytes:
    block = bytearray(megabytes * 1024 * 1024)
    return bytes(block[:1])


def spin() -> bytes:
    while True:
        pass


def sleep_forever() -> bytes:
    while True:
        time.sleep(60)


def dereference_null() -> bytes:
    return ctypes.string_at(0)


def die_by(signum: int) -> bytes:
    os.kill(os.getpid(), signum)
    time.sleep(5)
    return b"not reached"


def flood(megabytes: int) -> bytes:
    return b"x" * (megabytes * 1024 * 1024)


def raise_value_error() -> bytes:
    raise ValueError("format tidak dikenal")


def write_file(path: str) -> bytes:
    try:
        with open(path, "wb") as fh:
            fh.write(b"x" * 10_000)
            fh.flush()
    except OSError as exc:
        return errno.errorcode[exc.errno].encode()
    return b"written"


def open_many_files() -> bytes:
    handles = []
    try:
        for _ in range(1000):
            handles.append(open(os.devnull, "rb"))  # noqa: SIM115 - counting how many we may hold
    except OSError as exc:
        return f"{errno.errorcode[exc.errno]} after {len(handles)}".encode()
    finally:
        for handle in handles:
            handle.close()
    return b"no limit"


def test_the_answer_comes_back_byte_for_byte():
    payload = bytes(range(256)) * 1000
    assert run_sandboxed(echo, (payload,), timeout=10, limits=LIMITS) == payload


def test_children_find_the_parsers_already_loaded():
    """The forkserver preloads them, so a child costs a fork, not a few hundred ms of imports."""
    assert run_sandboxed(report_preloaded, (), timeout=10, limits=LIMITS) == (
        b"['charset_normalizer', 'docx', 'lxml', 'odf', 'pypdf']"
    )
    assert PRELOAD_MODULES[-1] == "docflow.extraction.preload"


def test_the_limits_are_applied_in_the_child():
    limits = ast.literal_eval(run_sandboxed(report_limits, (), timeout=10, limits=LIMITS).decode())
    assert limits["RLIMIT_AS"] == (512 * 1024 * 1024, 512 * 1024 * 1024)
    assert limits["RLIMIT_CPU"] == (30, 31)
    assert limits["RLIMIT_FSIZE"] == (0, 0)
    assert limits["RLIMIT_NOFILE"] == (64, 64)
    assert limits["RLIMIT_CORE"] == (0, 0)


def test_the_parent_keeps_its_own_limits():
    before = resource.getrlimit(resource.RLIMIT_AS)
    run_sandboxed(echo, (b"",), timeout=10, limits=LIMITS)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_a_child_that_allocates_too_much_reports_the_memory_limit():
    assert run_sandboxed(allocate, (16,), timeout=10, limits=LIMITS) == b"\x00"
    with pytest.raises(SandboxMemoryExceeded, match="memory limit 512 MB exceeded"):
        run_sandboxed(allocate, (1024,), timeout=10, limits=LIMITS)


@pytest.mark.parametrize("task", [spin, sleep_forever])
def test_a_child_that_never_answers_is_killed_at_the_deadline(task):
    started = time.monotonic()
    with pytest.raises(SandboxTimeout, match=r"^timed out after 0\.5 s$") as caught:
        run_sandboxed(task, (), timeout=0.5, limits=LIMITS)
    assert 0.5 <= time.monotonic() - started < 2.5
    assert caught.value.retryable is False


def test_the_cpu_limit_backs_up_the_wall_clock():
    limits = Limits(memory_mb=512, cpu_seconds=1, max_output_bytes=1024)
    with pytest.raises(SandboxTimeout, match="CPU time limit of 1 s exceeded"):
        run_sandboxed(spin, (), timeout=20, limits=limits)


def test_a_segfault_is_a_crash_that_retrying_will_not_fix():
    with pytest.raises(SandboxCrashed, match=r"crashed \(SIGSEGV\)") as caught:
        run_sandboxed(dereference_null, (), timeout=10, limits=LIMITS)
    assert caught.value.retryable is False


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_child_killed_from_outside_is_worth_retrying(signum):
    with pytest.raises(SandboxCrashed, match=rf"was killed \({signal.Signals(signum).name}\)") as caught:
        run_sandboxed(die_by, (signum,), timeout=10, limits=LIMITS)
    assert caught.value.retryable is True


def test_an_answer_larger_than_the_cap_is_refused():
    with pytest.raises(SandboxOutputTooLarge):
        run_sandboxed(flood, (2,), timeout=10, limits=LIMITS)


def test_an_exception_in_the_task_is_reported_by_name():
    with pytest.raises(SandboxCrashed, match="raised ValueError: format tidak dikenal") as caught:
        run_sandboxed(raise_value_error, (), timeout=10, limits=LIMITS)
    assert caught.value.retryable is False


def test_threads_may_share_the_sandbox():
    """multiprocessing's child registry is not thread-safe; the sandbox serialises its use of it."""
    answers: list[bytes] = []
    errors: list[Exception] = []

    def work(worker: int) -> None:
        for round_ in range(10):
            payload = f"{worker}-{round_}".encode()
            try:
                answers.append(run_sandboxed(echo, (payload,), timeout=20, limits=LIMITS))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(answers) == sorted(f"{worker}-{round_}".encode() for worker in range(4) for round_ in range(10))


def test_the_child_cannot_write_files(tmp_path):
    target = tmp_path / "bocor.bin"
    assert run_sandboxed(write_file, (str(target),), timeout=10, limits=LIMITS) == b"EFBIG"
    assert target.stat().st_size == 0


def test_the_child_cannot_open_many_files():
    answer = run_sandboxed(open_many_files, (), timeout=10, limits=LIMITS).decode()
    assert answer.startswith("EMFILE after ")
    assert int(answer.rsplit(" ", 1)[1]) < 64
