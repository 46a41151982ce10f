"""Keep the last prioritisation when nothing it is computed from has changed.

The prioritisation is a function of what it reads from the marts (inputs.py: the candidates,
their costs, demand and the teams' capacity), of the scoring models, scenarios and run settings
(config.py) and of this package's code: the same inputs solve to the same marts, since every
solve is deterministic (run.py) unless its time limit stops it. Its exact solves are the slowest
step of a run for a few hundred candidates (about two minutes at 287, docs/benchmarks.md), and a
run with nothing new solved them all again.

After writing the marts, a run records the fingerprint of everything they were computed from in
`audit.prioritization_inputs`, inside the build file, so the record is published with the marts
it describes, or thrown away with them; a result with a solve its time limit stopped is not
recorded (`Prioritisation.finished`), so the next run solves again. The next run computes the
fingerprint of its own inputs first (reading them is cheap); when it equals the record and the
build file (a copy of the last published warehouse) holds all five marts, it writes nothing and
says which run computed them. Not seen: a mart changed by hand in the warehouse (drop the record
after that, as for dbt's `audit.dbt_node_builds`).
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import scipy
from scipy import sparse

from pipelines.prioritization.mart_names import SCHEMA, TABLES
from pipelines.sql_helpers import fetch_row, missing_columns

RECORD_SCHEMA = "audit"
RECORD_TABLE = f"{RECORD_SCHEMA}.prioritization_inputs"
_PACKAGE = Path(__file__).resolve().parent


def _feed(digest: Any, value: object) -> None:
    """Add `value` to the digest in one spelling per value, whatever the process: sets and
    mappings in sorted order (a string's hash, and so a set's order, differs between processes),
    arrays by their type, shape and bytes, dataclasses field by field."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"array {array.dtype} {array.shape};".encode())
        digest.update(array.tobytes())
    elif sparse.issparse(value):
        matrix = sparse.csr_array(value, copy=True)  # not the portfolio's own, changed in place
        matrix.sum_duplicates()  # canonical: sorted indices, no repeated entries
        digest.update(f"sparse {matrix.shape};".encode())
        for part in (matrix.indptr, matrix.indices, matrix.data):
            _feed(digest, np.asarray(part))
    elif is_dataclass(value) and not isinstance(value, type):
        digest.update(f"{type(value).__name__}(".encode())
        for spec in fields(value):
            digest.update(f"{spec.name}=".encode())
            _feed(digest, getattr(value, spec.name))
        digest.update(b")")
    elif isinstance(value, Mapping):
        digest.update(f"mapping {len(value)}{{".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, (set, frozenset)):
        digest.update(f"set {len(value)}{{".encode())
        for item in sorted(value, key=repr):
            _feed(digest, item)
        digest.update(b"}")
    elif isinstance(value, (tuple, list)):
        digest.update(f"sequence {len(value)}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif value is None or isinstance(value, (str, bool, int, float, date, np.generic)):
        digest.update(f"{type(value).__name__} {value!r};".encode())
    else:
        raise TypeError(f"no fingerprint for a {type(value).__name__}")


@cache
def code_fingerprint() -> str:
    """This package's source and the versions of what solves and writes: what turns the inputs
    into the marts."""
    versions = (
        f"python {sys.version}; {platform.machine()}; scipy {scipy.__version__}; "
        f"numpy {np.__version__}; pandas {pd.__version__}; duckdb {duckdb.__version__};"
    )
    digest = hashlib.sha256(versions.encode())
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(f"{path.name};".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(*parts: object) -> str:
    """The fingerprint of a prioritisation's inputs and settings (any dataclasses, arrays,
    mappings and plain values), with the code's."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def kept_from_run(con: duckdb.DuckDBPyConnection, fingerprint: str) -> str | None:
    """The run whose marts this build file holds when they were computed from these inputs;
    None when they must be computed (another fingerprint, no record, a mart missing)."""
    required = {RECORD_TABLE: (), **{f"{SCHEMA}.{table}": () for table in TABLES}}
    if missing_columns(con, required):
        return None
    row = fetch_row(con, f"select inputs_fingerprint, run_id from {RECORD_TABLE}")
    return str(row[1]) if row is not None and row[0] == fingerprint else None


def record_inputs(con: duckdb.DuckDBPyConnection, fingerprint: str, run_id: str) -> None:
    """Record what the marts just written were computed from (one row: the last run's)."""
    con.execute(f"create schema if not exists {RECORD_SCHEMA}")
    con.execute(
        f"create or replace table {RECORD_TABLE} (inputs_fingerprint varchar not null, "
        "run_id varchar not null, recorded_at timestamp not null)"
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(f"insert into {RECORD_TABLE} values (?, ?, ?)", [fingerprint, run_id, now])


def forget_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """No record: before the marts are replaced (a run stopped halfway leaves none to trust),
    when a solve did not finish, and with the marts of a run with no candidates."""
    con.execute(f"drop table if exists {RECORD_TABLE}")
