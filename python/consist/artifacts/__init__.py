"""Where artifact bytes live and how to get them back.

* ``mounts``: named roots (``inputs`` -> ``/mnt/data``), containment checks;
* ``uris``: portable ``scheme://relative`` and ``./relative`` URIs and their resolution;
* ``sources``: every place a copy of an artifact's bytes may be found;
* ``placing``: copy-on-write placement with digest verification before the rename;
* ``ghost``: rebuilding CSV/Parquet files from ingested database rows;
* ``materialize`` / ``staging`` / ``recovery``: the recovery API of the Tracker.

Modules here import nothing heavy at import time.
"""
