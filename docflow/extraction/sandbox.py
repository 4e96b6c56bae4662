"""Run one function in a throwaway child process under resource limits.

The child is forked from a multiprocessing forkserver that already holds the parsers and the
caller's main module (see preload.py), so a child costs a fork, not an interpreter start. It
applies its own rlimits before touching any input, writes its answer (bytes) to a pipe and
exits; the parent reads that pipe with a wall-clock deadline and a size cap, so nothing the
child does (hang, crash, flood, allocate) can stall or break the caller. Answers are plain
bytes: the parent never unpickles anything from a child.
"""
from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import connection, forkserver, spawn
from multiprocessing.connection import Connection
from pathlib import Path

from docflow.extraction.errors import (
    SandboxCrashed,
    SandboxMemoryExceeded,
    SandboxOutputTooLarge,
    SandboxStartFailed,
    SandboxTimeout,
)

logger = logging.getLogger(__name__)

# How the caller's main script reaches the forkserver (read by docflow.extraction.preload).
MAIN_PATH_VARIABLE = "DOCFLOW_FORKSERVER_MAIN_PATH"

# `preload` brings the parsers and freezes the heap. "__main__" keeps multiprocessing's default.
PRELOAD_MODULES = ("__main__", "docflow.extraction.preload")
EXIT_OUT_OF_MEMORY = 86
# The child's message starts with a tag: the task's answer (from a child that found the preloaded
# modules, or one that had to import them itself), or the exception that escaped the task.
_ANSWER = b"A"
_COLD_ANSWER = b"C"
_ERROR = b"E"
_MAX_ERROR_CHARS = 300
_READ_CHUNK = 64 * 1024
_REAP_TIMEOUT = 10.0
# Signals a parser triggers itself: the same file would do it again.
_FILE_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT,
                           signal.SIGSYS, signal.SIGXFSZ, signal.SIGTRAP})

# The directory that holds the docflow package.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

_context = multiprocessing.get_context("forkserver")
_forkserver_lock = threading.Lock()
_forkserver_started = False
_cold_start_reported = False
# multiprocessing's registry of children is not thread-safe: Process.start() in one thread polls
# the other threads' children and may consume an exit status they are about to read (which then
# shows as exit code 255). Starting, polling and closing happen under this lock; waiting does not.
_registry_lock = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """Resource limits applied inside the child."""

    memory_mb: int
    cpu_seconds: int
    max_output_bytes: int
    open_files: int = 64
    max_file_size: int = 0


def run_sandboxed(task: Callable[..., bytes], args: tuple[object, ...], *, timeout: float,
                  limits: Limits) -> bytes:
    """Run `task(*args)` in a limited child and return its bytes, or raise a SandboxError.

    `task` must be a module-level function (it is sent to the child by reference).
    """
    reader, writer = _context.Pipe(duplex=False)
    try:
        process = _context.Process(
            target=_child_main, args=(task, args, limits, writer), name="docflow-sandbox", daemon=True
        )
        try:
            _start_forkserver()
            with _registry_lock:
                process.start()
        except (OSError, EOFError) as exc:
            raise SandboxStartFailed(f"could not start the sandboxed process ({exc})", retryable=True) from exc
        finally:
            writer.close()
        try:
            return _collect(process, reader, timeout, limits)
        finally:
            _reap(process)
    finally:
        reader.close()


def _start_forkserver() -> None:
    """Start the forkserver with the parsers and the caller's main module preloaded."""
    global _forkserver_started
    with _forkserver_lock:
        if _forkserver_started:
            return
        _context.set_forkserver_preload([*_main_module_names(), *PRELOAD_MODULES])
        # Python 3.11's forkserver imports its preloads with a fresh interpreter's sys.path (the
        # working directory and PYTHONPATH), not ours, and drops a main script's path; both
        # travel in the environment it inherits (see preload.py).
        main_path = spawn.get_preparation_data("docflow-forkserver").get("init_main_from_path")
        overrides = {"PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        if main_path:
            overrides[MAIN_PATH_VARIABLE] = main_path
        saved = {name: os.environ.get(name) for name in overrides}
        os.environ.update(overrides)
        try:
            forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value
        _forkserver_started = True


def _main_module_names() -> list[str]:
    """Name the caller's main module when it was started with `python -m`, so it loads only once.

    Children re-run the caller's main module before their task; once the forkserver has imported
    it, its imports are shared and re-running its body is cheap. `pkg.__main__` modules are never
    re-run by children, and importing one (pytest's, say) would run the program itself.
    """
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", None)
    if name is None or name == "__main__" or name.endswith(".__main__"):
        return []
    return [name]


def _collect(process: multiprocessing.process.BaseProcess, reader: Connection, timeout: float,
             limits: Limits) -> bytes:
    deadline = time.monotonic() + timeout
    fd = reader.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(math.ceil(remaining * 1000)):
            _kill(process)
            raise SandboxTimeout(f"timed out after {timeout:g} s")
        chunk = os.read(fd, _READ_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limits.max_output_bytes:
            _kill(process)
            raise SandboxOutputTooLarge(f"result larger than {limits.max_output_bytes} bytes")
        chunks.append(chunk)
    # The child closed its end; it is exiting. A child that lingers past the deadline is killed.
    exitcode = _wait_for_exit(process, max(deadline - time.monotonic(), 0.5))
    if exitcode is None:
        _kill(process)
        raise SandboxTimeout(f"timed out after {timeout:g} s")
    _raise_for_exit(exitcode, limits)
    message = b"".join(chunks)
    if message.startswith(_ERROR):
        error = message[1:].decode("utf-8", "replace")
        logger.error("sandboxed task raised %s", error)
        raise SandboxCrashed(f"sandboxed process raised {error}")
    if message.startswith(_COLD_ANSWER):
        _report_cold_start()
    elif not message.startswith(_ANSWER):
        raise SandboxCrashed("sandboxed process ended without an answer")
    return message[1:]


def _report_cold_start() -> None:
    global _cold_start_reported
    if not _cold_start_reported:
        _cold_start_reported = True
        # Another component started the forkserver first, or the preload failed to import.
        logger.warning(
            "the forkserver has not preloaded %s, so every extraction child imports the parsers"
            " itself (hundreds of milliseconds each)",
            PRELOAD_MODULES[-1],
        )


def _raise_for_exit(exitcode: int, limits: Limits) -> None:
    if exitcode == 0:
        return
    if exitcode == EXIT_OUT_OF_MEMORY:
        raise SandboxMemoryExceeded(f"memory limit {limits.memory_mb} MB exceeded")
    if exitcode > 0:
        raise SandboxCrashed(f"sandboxed process failed (exit code {exitcode})")
    signum = -exitcode
    name = _signal_name(signum)
    if signum == signal.SIGXCPU:
        raise SandboxTimeout(f"CPU time limit of {limits.cpu_seconds} s exceeded")
    if signum in _FILE_SIGNALS:
        raise SandboxCrashed(f"sandboxed process crashed ({name})")
    # SIGKILL from the kernel's OOM killer, SIGTERM from a shutdown: not the file's fault.
    raise SandboxCrashed(f"sandboxed process was killed ({name})", retryable=True)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _wait_for_exit(process: multiprocessing.process.BaseProcess, timeout: float) -> int | None:
    """Return the child's exit code if it ends within `timeout`, else None."""
    connection.wait([process.sentinel], timeout)
    with _registry_lock:
        return process.exitcode


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    with _registry_lock:
        running = process.exitcode is None
    if running:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


def _reap(process: multiprocessing.process.BaseProcess) -> None:
    """Wait for the child's exit status and release its sentinel, leaving no zombie and no fd."""
    # Normally the child is gone already; after an exception in the caller (a KeyboardInterrupt
    # while waiting, say) it may still be running.
    _kill(process)
    if _wait_for_exit(process, _REAP_TIMEOUT) is None:
        logger.error("sandboxed process %s did not die after SIGKILL; leaving it", process.pid)
        return
    with _registry_lock:
        process.close()


def _child_main(task: Callable[..., bytes], args: tuple[object, ...], limits: Limits,
                writer: Connection) -> None:
    """Apply the limits, run `task` and write its tagged answer to `writer` (runs in the child)."""
    tag = _ANSWER if PRELOAD_MODULES[-1] in sys.modules else _COLD_ANSWER
    _silence_output()
    apply_limits(limits)
    try:
        message = tag + task(*args)
    except MemoryError:
        # Report through the exit code: under the limit, even building a message may fail.
        os._exit(EXIT_OUT_OF_MEMORY)
    except Exception as exc:  # noqa: BLE001 - stderr is /dev/null; the parent must hear of it
        message = _ERROR + f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS].encode("utf-8", "replace")
    view = memoryview(message)
    fd = writer.fileno()
    while view:
        view = view[os.write(fd, view):]
    writer.close()


def _silence_output() -> None:
    # Parsers warn on stderr; if stderr is a file, RLIMIT_FSIZE would turn that into a crash.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    # Nothing in the child may write files, bytecode caches included; a write fails, not kills.
    sys.dont_write_bytecode = True
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def apply_limits(limits: Limits) -> None:
    """Lower this process's rlimits to `limits` (inherited by anything it executes)."""
    _lower(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    _lower(resource.RLIMIT_CPU, limits.cpu_seconds, hard_margin=1)
    _lower(resource.RLIMIT_FSIZE, limits.max_file_size)
    _lower(resource.RLIMIT_NOFILE, limits.open_files)
    _lower(resource.RLIMIT_CORE, 0)


def _lower(kind: int, value: int, *, hard_margin: int = 0) -> None:
    """Set soft limit `value` (hard `value + hard_margin`), never above an existing hard limit."""
    _soft, hard = resource.getrlimit(kind)
    new_hard = value + hard_margin
    if hard != resource.RLIM_INFINITY:
        new_hard = min(new_hard, hard)
    resource.setrlimit(kind, (min(value, new_hard), new_hard))
