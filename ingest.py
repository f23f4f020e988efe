"""Build or update the index: python ingest.py [--rebuild] [--corpus DIR] [--index DIR] [--store milvus --milvus-uri URI]."""
from __future__ import annotations

import argparse
import sys

from assistant.config import add_common_args, settings_from_args
from assistant.errors import AssistantError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_common_args(parser)
    parser.add_argument("--rebuild", action="store_true", help="ignore the existing index and start over")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    from assistant.ingest.build import ingest

    try:
        result = ingest(settings, rebuild=args.rebuild, progress=not args.quiet)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for report in result.reports:
        detail = f"{report.n_notices} notices, {report.n_chunks} chunks" if report.status in ("indexed", "unchanged") else report.reason
        stream = sys.stderr if report.status in ("failed", "kept") else sys.stdout
        print(f"{report.status:>9}  {report.file}  ({detail})", file=stream)
    state = "updated" if result.changed else "already up to date"
    print(f"Index {state}: {result.n_notices} notices, {result.n_chunks} chunks in {result.location}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
