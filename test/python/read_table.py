"""Reads a StreamForge Iceberg table with real readers and prints one JSON document.

Usage: read_table.py <table-dir | metadata-location> [--filter EXPR]... [--prop KEY=VALUE]...
  <table-dir> holds metadata/vN.metadata.json (the newest vN is read); a metadata location is a
  vN.metadata.json path or URI, local or s3:// (then pass --prop s3.endpoint=..., s3.access-key-id=...,
  s3.secret-access-key=..., s3.region=..., s3.path-style-access=true|false as FileIO properties).
  PyIceberg loads it with StaticTable.from_metadata and scans to Arrow; DuckDB reads the exact
  Parquet files PyIceberg's plan_files returns (its iceberg and httpfs extensions cannot be
  downloaded here, so remote files are first copied byte for byte through PyIceberg's FileIO).
  Each --filter is a PyIceberg row filter; its scan's rows and planned file count are reported too.
Values are canonical: integers and decimals as strings, timestamps as epoch-microsecond strings,
dates as day numbers, binary as hex, doubles as numbers (NaN as "NaN"), NULL as null.
Output: {"rows", "count", "duckdb_rows", "files", "snapshots", "field_ids_ok", "field_id_errors",
"column_sizes_ok", "column_size_errors" (column_sizes against the footers; inspect.entries()), "filtered"}
"""
import json
import math
import os
import re
import sys
import tempfile
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.table import StaticTable
from pyiceberg.types import (
    BinaryType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    TimestampType,
    TimestamptzType,
)


def newest_metadata(table_dir):
    meta_dir = os.path.join(table_dir, "metadata")
    best = None
    for name in os.listdir(meta_dir):
        m = re.fullmatch(r"v(\d+)\.metadata\.json", name)
        if m and (best is None or int(m.group(1)) > best[0]):
            best = (int(m.group(1)), name)
    if best is None:
        raise SystemExit(f"no vN.metadata.json in {meta_dir}")
    return os.path.join(meta_dir, best[1])


def canon(iceberg_type, v):
    if v is None:
        return None
    if isinstance(iceberg_type, (IntegerType, LongType)):
        return str(int(v))
    if isinstance(iceberg_type, DecimalType):
        return format(Decimal(v), "f")
    if isinstance(iceberg_type, (TimestampType, TimestamptzType)):
        return str(int(v))
    if isinstance(iceberg_type, DateType):
        return int(v)
    if isinstance(iceberg_type, BinaryType):
        return bytes(v).hex()
    if isinstance(iceberg_type, (DoubleType, FloatType)):
        return "NaN" if math.isnan(v) else float(v)
    return v


def arrow_rows(arrow_table, schema):
    cols = []
    for field in schema.fields:
        col = arrow_table.column(field.name)
        if isinstance(field.field_type, (TimestampType, TimestamptzType)):
            col = pc.cast(col, pa.int64())
        elif isinstance(field.field_type, DateType):
            col = pc.cast(col, pa.int32())
        cols.append([canon(field.field_type, v) for v in col.to_pylist()])
    return [dict(zip([f.name for f in schema.fields], vals)) for vals in zip(*cols)] if cols else []


def local_path(uri):
    return uri[len("file://"):] if uri.startswith("file://") else uri


def is_remote(uri):
    return re.match(r"^[a-z][a-z0-9+.-]*://", uri) is not None and not uri.startswith("file://")


def file_io_properties(props):
    """--prop pairs as PyIceberg FileIO properties; s3.path-style-access maps to force-virtual-addressing."""
    out = {}
    for key, value in props.items():
        if key == "s3.path-style-access":
            out["s3.force-virtual-addressing"] = "false" if value.lower() == "true" else "true"
        else:
            out[key] = value
    return out


def readable_paths(io, uris, tmp_dir):
    """Local paths of the data files: local ones as they are, remote ones copied via the table's FileIO."""
    paths = []
    for uri in uris:
        if not is_remote(uri):
            paths.append(local_path(uri))
            continue
        dest = os.path.join(tmp_dir, str(len(paths)) + "-" + uri.rsplit("/", 1)[-1])
        with io.new_input(uri).open() as src, open(dest, "wb") as dst:
            dst.write(src.read())
        paths.append(dest)
    return paths


def relative_to(location, uri):
    location = location.rstrip("/") + "/"
    return uri[len(location):] if uri.startswith(location) else uri


def duckdb_rows(paths, schema):
    if not paths:
        return []
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    exprs = []
    for field in schema.fields:
        q = '"' + field.name.replace('"', '""') + '"'
        t = field.field_type
        if isinstance(t, (TimestampType, TimestamptzType)):
            exprs.append(f"epoch_us({q})")
        elif isinstance(t, DateType):
            exprs.append(f"({q} - DATE '1970-01-01')")
        elif isinstance(t, DecimalType):
            exprs.append(f"CAST({q} AS VARCHAR)")
        else:
            exprs.append(q)
    result = con.execute(f"SELECT {', '.join(exprs)} FROM read_parquet(?, hive_partitioning = false)", [paths]).fetchall()
    out = []
    for row in result:
        vals = []
        for field, v in zip(schema.fields, row):
            t = field.field_type
            if isinstance(t, DecimalType) and v is not None:
                vals.append(format(Decimal(v), "f"))
            else:
                vals.append(canon(t, v))
        out.append(dict(zip([f.name for f in schema.fields], vals)))
    return out


def check_field_ids(paths, schema):
    errors = []
    expected = {f.name: f.field_id for f in schema.fields}
    for p in paths:
        for fld in pq.read_schema(p):
            fid = (fld.metadata or {}).get(b"PARQUET:field_id")
            if fid is None or int(fid) != expected.get(fld.name):
                errors.append(f"{os.path.basename(p)}: {fld.name} has field_id {fid!r}, expected {expected.get(fld.name)}")
        # The Parquet schema itself (not only the embedded Arrow schema) must carry the ids.
        text = str(pq.ParquetFile(p).schema)
        for name, fid in expected.items():
            if f"field_id={fid} {name}" not in text:
                errors.append(f"{os.path.basename(p)}: parquet schema lacks field_id={fid} for {name}")
    return errors


def check_column_sizes(table, tasks, paths):
    """Each data file's column_sizes (field id -> compressed bytes) equal its Parquet footer's
    total_compressed_size per column summed over row groups, and inspect.entries() reads them."""
    errors = []
    ids = {f.name: f.field_id for f in table.schema().fields}
    for t, p in zip(tasks, paths):
        md = pq.ParquetFile(p).metadata
        want = {}
        for g in range(md.num_row_groups):
            rg = md.row_group(g)
            for c in range(rg.num_columns):
                col = rg.column(c)
                fid = ids[col.path_in_schema]
                want[fid] = want.get(fid, 0) + col.total_compressed_size
        got = dict(t.file.column_sizes or {})
        if got != want:
            errors.append(f"{os.path.basename(p)}: column_sizes {got} != footer {want}")
    try:
        table.inspect.entries()
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        errors.append(f"inspect.entries() failed: {type(e).__name__}: {e}")
    return errors


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    target = args[0]
    filters = []
    props = {}
    i = 1
    while i < len(args):
        if args[i] == "--filter" and i + 1 < len(args):
            filters.append(args[i + 1])
            i += 2
        elif args[i] == "--prop" and i + 1 < len(args) and "=" in args[i + 1]:
            key, value = args[i + 1].split("=", 1)
            props[key] = value
            i += 2
        else:
            raise SystemExit(f"unknown argument {args[i]}")

    metadata_location = target if target.endswith(".metadata.json") else newest_metadata(target)
    table = StaticTable.from_metadata(metadata_location, properties=file_io_properties(props))
    schema = table.schema()
    scan = table.scan()
    tasks = list(scan.plan_files())
    rows = arrow_rows(scan.to_arrow(), schema)
    tmp = tempfile.TemporaryDirectory(prefix="read_table-")
    paths = readable_paths(table.io, [t.file.file_path for t in tasks], tmp.name)
    errors = check_field_ids(paths, schema)
    size_errors = check_column_sizes(table, tasks, paths)

    filtered = []
    for expr in filters:
        fscan = table.scan(row_filter=expr)
        ftasks = list(fscan.plan_files())
        filtered.append({"filter": expr, "files": len(ftasks), "rows": arrow_rows(fscan.to_arrow(), schema)})

    snapshots = []
    for s in table.metadata.snapshots:
        summary = {"operation": s.summary.operation.value}
        summary.update(s.summary.additional_properties)
        snapshots.append(
            {
                "snapshot_id": str(s.snapshot_id),
                "parent_snapshot_id": None if s.parent_snapshot_id is None else str(s.parent_snapshot_id),
                "sequence_number": s.sequence_number,
                "summary": summary,
            }
        )
    current = table.current_snapshot()
    print(
        json.dumps(
            {
                "rows": rows,
                "count": len(rows),
                "duckdb_rows": duckdb_rows(paths, schema),
                "files": len(tasks),
                "partitions": [
                    {"path": relative_to(table.metadata.location, t.file.file_path), "partition": [str(x) for x in t.file.partition]}
                    for t in tasks
                ],
                "snapshots": snapshots,
                "current_snapshot_id": None if current is None else str(current.snapshot_id),
                "field_ids_ok": not errors,
                "field_id_errors": errors,
                "column_sizes_ok": not size_errors,
                "column_size_errors": size_errors,
                "filtered": filtered,
                "metadata_location": metadata_location,
            }
        )
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
