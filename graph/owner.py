"""Helper processes that end with the process that started them.

A daemon child is stopped when its parent exits normally, but not when the parent is killed
(SIGKILL, the out-of-memory killer, a SIGTERM with no handler): an ingest's encoder process would
then go on encoding into a pipe nobody reads, and parse workers would wait for work forever,
each holding hundreds of megabytes. Each helper calls :func:`exit_with_owner` first.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading


def exit_with_owner() -> None:
    """End this process as soon as the process that started it ends, even in the middle of native
    code that released the GIL (a query, an encoding). Does nothing in a process nobody started."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()
