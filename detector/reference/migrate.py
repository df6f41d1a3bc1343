"""Upgrade a reference index to the current storage format in place, from the texts it holds:

    python -m detector.reference.migrate INDEX     # INDEX: the SQLite path or redis:// URL

Safe to interrupt and run again: the index keeps refusing to open until every document has been
re-stored, and re-storing a document is idempotent. An SQLite index of format 4 needs no document
stored again (its entries are format 5's): its documents table and vocabulary change in place."""
from __future__ import annotations

import sys

from detector.reference.index import entry
from detector.reference.storage import ReferenceStorage, open_storage

BATCH = 500


def migrate(storage: ReferenceStorage) -> int:
    """Re-store every document of ``storage`` (opened with ``upgrade=True``) whose entry the
    current format changed, then mark the index current; returns how many documents it holds."""
    ids = storage.outdated_ids()
    for start in range(0, len(ids), BATCH):
        texts = storage.texts(ids[start:start + BATCH])
        storage.add_many([entry(document_id, text) for document_id, text in texts.items()])
    storage.mark_current_format()
    return len(storage.ids())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    storage = open_storage(argv[0], upgrade=True)
    try:
        print(f"migrated {migrate(storage)} documents")
    finally:
        storage.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
