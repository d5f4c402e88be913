"""Where `--cluster` points: a running Dask scheduler, or a LocalCluster started for the run.

"local:4"               a LocalCluster of 4 worker processes on this machine
"tcp://10.0.0.5:8786"   a running scheduler (dask-scheduler, dask-kubernetes, dask-jobqueue ...)
"10.0.0.5:8786"         the same, tcp:// assumed
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_LOCAL = re.compile(r"local(?::(\d+))?")


class ClusterError(ValueError):
    """A --cluster value that is neither local:N nor a scheduler address, or one that cannot be reached."""


@dataclass(frozen=True)
class ClusterSpec:
    local_workers: int | None = None
    address: str | None = None


def parse_cluster(value: str) -> ClusterSpec:
    """Read a --cluster value: "local:N" (N >= 1) or a scheduler address."""
    value = value.strip()
    m = _LOCAL.fullmatch(value)
    if m:
        n = int(m.group(1) or 2)
        if n < 1:
            raise ClusterError(f"--cluster {value}: a local cluster needs at least one worker")
        return ClusterSpec(local_workers=n)
    if not value or any(c.isspace() for c in value):
        raise ClusterError(f"--cluster {value!r}: give local:N or a scheduler address like tcp://host:8786")
    if "://" not in value:
        value = f"tcp://{value}"
    return ClusterSpec(address=value)


@contextmanager
def connect(value: str, timeout: float = 30) -> Iterator[object]:
    """A dask.distributed Client for a --cluster value; a local cluster lives as long as the block."""
    from distributed import Client, LocalCluster

    spec = parse_cluster(value)
    if spec.local_workers is not None:
        with (
            LocalCluster(
                n_workers=spec.local_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(spec.address, timeout=timeout)
    except OSError as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {spec.address}: {e}") from None
    with client:
        yield client
