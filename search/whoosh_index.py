"""The Whoosh index: its schema and writing one build of it.

One of the two modules that import Whoosh (with `search.whoosh_searcher`); swapping the
engine means writing these two again against `search.engine`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from search.documents import SearchDocument

# Field names, shared with the searcher.
DOC_ID = "doc_id"
SYSTEM = "system"
CODES = "codes"
CODE_ALTERNATES = "code_alternates"
TITLE = "title"
SYMPTOMS = "symptoms"
TEXT_FIELD = "text"
PAYLOAD = "payload"

# How much a word in each field counts: title and symptoms say what the tree is about.
WORD_FIELDS: dict[str, float] = {TITLE: 3.0, SYMPTOMS: 2.0, TEXT_FIELD: 1.0}


def build_schema() -> Schema:
    """Codes are exact keywords; titles, symptoms and text are stemmed words."""
    words = StemmingAnalyzer()
    return Schema(
        **{
            DOC_ID: ID(stored=True, unique=True),
            SYSTEM: ID(),
            CODES: KEYWORD(lowercase=False, scorable=False),
            CODE_ALTERNATES: KEYWORD(lowercase=False, scorable=False),
            TITLE: TEXT(analyzer=words),
            SYMPTOMS: TEXT(analyzer=words),
            TEXT_FIELD: TEXT(analyzer=words),
            PAYLOAD: STORED(),
        }
    )


def _fields(document: SearchDocument) -> dict[str, str]:
    alternates = {alt for claim in document.codes for alt in claim.alternates}
    return {
        DOC_ID: document.doc_id,
        SYSTEM: document.system_slug,
        CODES: " ".join(sorted({c.key for c in document.codes if c.key})),
        CODE_ALTERNATES: " ".join(sorted(alternates)),
        TITLE: document.title,
        SYMPTOMS: "\n".join(document.symptoms),
        TEXT_FIELD: document.text,
        PAYLOAD: json.dumps(document.to_dict(), ensure_ascii=False),
    }


def write_index(documents: Iterable[SearchDocument], folder: Path) -> int:
    """Write the documents as a new index in an existing, empty folder; return the count."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    count = 0
    writer = ix.writer()
    try:
        for document in documents:
            writer.add_document(**_fields(document))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    return count
