"""Extraction at scale: several processes on one machine, or a Dask cluster.

    from dugout.scale import extract_parallel, extract_on_cluster

`pool.py` runs `Extractor.run` in N worker processes (`dugout extract --workers N`);
`cluster.py` connects to (or starts) a Dask cluster and `run.py` streams reports to it in
partitions (`--cluster ADDRESS`, `--cluster local:N`). Both keep the reports' order, so the
output is the same as one process's, and both read their input lazily, a bounded number of
reports in flight, so memory stays flat however long the stream.
"""

from .pool import extract_parallel
from .run import extract_on_cluster

__all__ = ["extract_on_cluster", "extract_parallel"]
