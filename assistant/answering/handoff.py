"""Whom to point a user to: contacts of the asked place (or a place above it) found in the library, else the
bureau's own contact from settings — never an unrelated office (a weather question is not sent to some park)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.answering.gate import ScopeGate
from assistant.answering.scope_check import place_relation
from assistant.catalog import doc_info
from assistant.query.scope import QuestionScope
from assistant.types import Contact, DocRecord, Hit, Region

_BUREAU_WORDS = ("投资促进", "投促", "招商", "管委会", "商务")


def _may_belong(scope: QuestionScope, rec: DocRecord, contact: Contact) -> bool:
    """Cheap necessary condition for the scope check of a contact: the document is about a related place, or
    its title or the contact names the asked place or a place within it (the full check reads every mention;
    on 100k chunks doing it for every contact of the library cost 0.3-1 s per refusal)."""
    text = f"{rec.title} {contact.organisation} {contact.address} {contact.snippet}"
    for item in scope.places:
        if item.region is None or not item.region.names() or place_relation(item.region, rec.region) != "other":
            return True
        if _naming(item.region).search(text):
            return True
    return False


@lru_cache(maxsize=256)
def _naming(asked: Region) -> re.Pattern:
    """Every name, full or short, of the asked place and of the divisions within it."""
    from ingest.regions import division_names

    def within(r: Region) -> bool:
        return all(not o or o == i for o, i in zip((asked.province, asked.city, asked.district),
                                                   (r.province, r.city, r.district), strict=True))

    names = {f for name, _, region, stems in division_names() if within(region) or name in asked.names()
             for f in (name, *stems) if len(f) >= 2} | {n for n in asked.names() if len(n) >= 2}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))) or r"(?!)")


class Handoff:
    def __init__(self, library, gate: ScopeGate, settings):
        self.library, self.gate, self.settings = library, gate, settings
        self._by_place: dict[tuple, list[Contact]] = {}

    def in_scope(self, scope: QuestionScope, contacts: Sequence[Contact]) -> list[Contact]:
        """The contacts that belong to the asked place or one above it (all of them when the scope is empty)."""
        if scope.empty:
            return list(contacts)
        docs = {r.doc_id: r for r in self.library.docs()}
        return [c for c in contacts
                if self.gate.contact_in_scope(scope, c, doc_info(docs[c.doc_id]) if c.doc_id in docs else None).ok]

    def for_place(self, scope: QuestionScope) -> list[Contact]:
        """Contacts of the library's documents about the asked places or the places above them."""
        if not scope.places:
            return []
        # Every contact of the library is checked against the place: remembered until the library changes.
        key = (self.library.catalog.generation, scope.places, scope.bodies)  # what a contact is checked on
        if key not in self._by_place:
            if len(self._by_place) > 256:
                self._by_place.clear()
            docs = [r for r in self.library.docs() if r.status == "indexed" and r.region.names()]
            maybe = [c for r in docs for c in r.contacts if _may_belong(scope, r, c)]
            self._by_place[key] = self.in_scope(scope, maybe)
        return list(self._by_place[key])

    def for_question(self, text: str) -> list[Contact]:
        """For a letter whose questions the library could not answer: the offices of the places it names (or
        above them), else the bureau's own contact; never the whole library's."""
        found = self.for_place(self.gate.scope(text))
        bureau = self.bureau()
        return found or ([bureau] if bureau else [])

    def bureau(self) -> Contact | None:
        s = self.settings
        if not (s.bureau_phone or s.bureau_email or s.bureau_address):
            return None
        return Contact(s.bureau_name, s.bureau_phone, s.bureau_address, s.bureau_email, source="")

    def refusal_contact(self, scope: QuestionScope, near: Sequence[Hit]) -> Contact | None:
        """The asked place's office, else one of a nearly relevant in-scope document, else the bureau's own."""
        pool = self.for_place(scope) or self.in_scope(scope, self.library.contacts([h.chunk.doc.doc_id for h in near]))
        ranked = sorted(pool, key=lambda c: (not any(w in c.organisation for w in _BUREAU_WORDS), not c.phone))
        return ranked[0] if ranked else self.bureau()
