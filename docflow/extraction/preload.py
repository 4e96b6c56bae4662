"""Imported once, by the extraction forkserver only: load the caller's main script and the
parsers, then freeze the heap. Do not import this module elsewhere.

Every forkserver child runs the caller's main script again before its task unless the
forkserver already holds it, and Python 3.11's forkserver never loads a main given as a path
(it looks for the wrong key); the sandbox passes the path in MAIN_PATH_VARIABLE instead.
Without the freeze, the first full garbage collection in every child walks, and so copies page
by page, the whole inherited heap. With both, a child costs a few milliseconds.
"""
from __future__ import annotations

import gc
import os
from multiprocessing import process, spawn

import docflow.extraction.readers  # noqa: F401 - the point of this module is to load them
from docflow.extraction.sandbox import MAIN_PATH_VARIABLE


def _import_main_script() -> None:
    path = os.environ.pop(MAIN_PATH_VARIABLE, None)
    if not path:
        return
    # As multiprocessing.forkserver does for "__main__": a script that starts processes at
    # import time then fails here instead of recursing.
    process.current_process()._inheriting = True  # noqa: SLF001
    try:
        spawn.import_main_path(path)
    except Exception:  # noqa: BLE001, S110 - children then run the script themselves, as before
        pass
    finally:
        del process.current_process()._inheriting  # noqa: SLF001


_import_main_script()
gc.freeze()
