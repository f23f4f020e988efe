#!/usr/bin/env python
"""How well ingest reads the metadata of a folder of notices, without building an index.

    python eval/metadata_report.py ../shared/corpus-ncp [--show 20]

Prints the issue-16 figures: median title length, the share of notices with a jurisdiction, with an
issuer, and — among notices whose text holds a full date (20XX年X月X日) — the share that got a date.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.ingest.chunking import parse_document  # noqa: E402
from assistant.ingest.readers import read_document  # noqa: E402

FULL_DATE = re.compile(r"20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", type=int, default=0, help="print this many notices lacking a field")
    args = parser.parse_args()
    rows = []
    for path in sorted(args.folder.rglob("*")):
        if not path.is_file() or path.name.lower().startswith("readme"):
            continue
        text = read_document(path)
        for notice, clauses in parse_document(text, path.name):
            rows.append((notice, FULL_DATE.search(text) is not None, len(clauses)))
    titles = [len(n.title) for n, _, _ in rows]
    dated_text = [(n, has) for n, has, _ in rows if has]
    print(f"notices: {len(rows)}")
    print(f"median title length: {statistics.median(titles):.0f}   (longest {max(titles)})")
    print(f"with jurisdiction: {sum(bool(n.jurisdiction) for n, _, _ in rows) / len(rows):.3f}")
    print(f"with issuer: {sum(bool(n.issuer) for n, _, _ in rows) / len(rows):.3f}")
    print(f"dated, of those whose text holds a full date: "
          f"{sum(bool(n.date) for n, _ in dated_text) / max(1, len(dated_text)):.3f} ({len(dated_text)})")
    print(f"with a 文号: {sum(bool(n.doc_number) for n, _, _ in rows)}   median clauses: "
          f"{statistics.median(c for _, _, c in rows):.0f}")
    shown = 0
    for notice, has_date, _ in rows:
        if shown >= args.show:
            break
        if not notice.jurisdiction or (has_date and not notice.date) or not notice.issuer or len(notice.title) > 40:
            shown += 1
            print(f"- {notice.file} | {notice.title} | issuer={notice.issuer} | {notice.jurisdiction} | {notice.date}")


if __name__ == "__main__":
    main()
