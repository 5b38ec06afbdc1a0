"""Imports a deck file with Anki's own importer (the `anki` package from PyPI) into a fresh
collection, twice, and prints what Anki made of it as JSON: the second import must update the
same notes (the GUID column), not add new ones."""
import json
import os
import sys
import tempfile

from anki.collection import Collection, ImportCsvRequest

path = sys.argv[1]
col = Collection(os.path.join(tempfile.mkdtemp(), "collection.anki2"))


def run():
    meta = col.get_csv_metadata(path=path, delimiter=None)
    return col.import_csv(ImportCsvRequest(path=path, metadata=meta)).log


first = run()
notes = [col.get_note(n) for n in col.find_notes("")]
second = run()
print(json.dumps({
    "new": len(first.new),
    "notes": len(notes),
    "cards": col.card_count(),
    "decks": sorted(d.name for d in col.decks.all_names_and_ids()),
    "fronts": [n.fields[0] for n in notes],
    "backs": [n.fields[1] for n in notes],
    "tags": [n.tags for n in notes],
    "second_new": len(second.new),
    "notes_after_second": col.note_count(),
}))
col.close()
