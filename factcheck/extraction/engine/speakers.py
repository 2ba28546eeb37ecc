"""Attribute each quotation to its speaker, using spaCy's parse and NER plus a few rules.

Why these rules: in news prose the speaker of a quotation is, almost always, the grammatical
subject of the reporting verb that governs it ("X said", "said X", "X warned that ...",
"X described it as '...'", "..., he added"), or the object of "according to". The parser
already links the quoted words to that verb, so the main step walks up the dependency tree
from the quotation to the first speech verb outside it and takes its subject, inheriting
the subject through participles and coordination ("..., adding that ..." / "vowed ... and
said"). Mentions are then resolved: pronouns to the most recent person in subject position,
titles ("the president", "Mr Zelenskyy") to the person who carried that title or surname,
names to the fullest spelling in the article (people.py), organisations to their fullest
name ("the National Guard" -> "Russia's National Guard", "IAEA" -> its expansion). Cheap
fallbacks cover a broken parse: the nearest cue verb right after or before the marks, a
colon-introduced quotation, a paragraph that continues a quotation, and a quotation
paragraph that follows another from the same speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from . import docview, marks, people
from .segment import continues_line
from .types import QuoteSpan


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


SPEECH_LEMMAS: frozenset[str] = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "claim",
        "warn",
        "insist",
        "argue",
        "explain",
        "note",
        "announce",
        "declare",
        "describe",
        "vow",
        "pledge",
        "promise",
        "urge",
        "call",
        "write",
        "tweet",
        "post",
        "reply",
        "respond",
        "answer",
        "ask",
        "suggest",
        "admit",
        "acknowledge",
        "confirm",
        "deny",
        "accuse",
        "blast",
        "slam",
        "condemn",
        "criticise",
        "criticize",
        "praise",
        "continue",
        "conclude",
        "recall",
        "predict",
        "estimate",
        "report",
        "assert",
        "maintain",
        "stress",
        "emphasise",
        "emphasize",
        "complain",
        "threaten",
        "brand",
        "dub",
        "label",
        "characterize",
        "characterise",
        "term",
        "quip",
        "joke",
        "boast",
        "concede",
        "observe",
        "comment",
        "remark",
        "mention",
        "reveal",
        "disclose",
        "allege",
        "charge",
        "demand",
        "plead",
        "tell",
        "inform",
        "testify",
        "counter",
        "retort",
        "agree",
        "dismiss",
        "hail",
        "welcome",
        "appeal",
        "order",
        "instruct",
        "advise",
        "caution",
        "forecast",
        "proclaim",
        "shout",
        "scream",
        "cry",
        "whisper",
        "mutter",
        "exclaim",
        "echo",
        "repeat",
        "summarize",
        "summarise",
        "reiterate",
        "underline",
        "underscore",
        "highlight",
        "speak",
        "lament",
        "decry",
        "denounce",
        "vow",
        "threaten",
        "rule",
        "begin",
        "told",
        "yell",
        "cite",
        "read",
        "quote",
        "put",
        "tout",
        "mock",
        "tease",
        "scold",
        "chide",
        "recount",
        "wonder",
        "muse",
        "text",
        "email",
        "preach",
        "chant",
        "sing",
        "rant",
        "rail",
        "lash",
        "fume",
        "gush",
        "sneer",
        "snap",
        "vent",
        "question",
        "query",
        "interject",
        "interrupt",
        "concur",
        "contend",
        "opine",
        "surmise",
        "press",
        "muse",
    ]
)
# Reporting verbs that can sit on a quotation's path without being the cue ("continue",
# "begin" only count when they are the verb right next to the marks).
_WEAK_CUES = frozenset({"continue", "begin", "rule", "order", "post", "report"})
_SLIPPED_CUES = frozenset({"says", "states", "reads", "writes", "notes", "adds", "warns"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"it", "they", "them"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
ORG_HEADS: frozenset[str] = frozenset(
    [
        "ministry",
        "government",
        "agency",
        "office",
        "police",
        "army",
        "military",
        "force",
        "forces",
        "navy",
        "guard",
        "department",
        "council",
        "court",
        "committee",
        "commission",
        "company",
        "firm",
        "group",
        "party",
        "kremlin",
        "administration",
        "authority",
        "authorities",
        "parliament",
        "senate",
        "congress",
        "assembly",
        "cabinet",
        "embassy",
        "union",
        "alliance",
        "organisation",
        "organization",
        "institute",
        "university",
        "bank",
        "service",
        "command",
        "staff",
        "spokesperson's",
        "team",
        "campaign",
        "board",
        "federation",
        "coalition",
        "regime",
        "junta",
        "mission",
        "delegation",
        "prosecutors",
        "prosecutor's",
        "parliament's",
        "broadcaster",
        "newspaper",
        "agency's",
        "nato",
        "un",
        "ministry's",
    ]
)
_TITLE_NOUNS: frozenset[str] = frozenset(
    [
        "president",
        "minister",
        "governor",
        "general",
        "chancellor",
        "premier",
        "secretary",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "mayor",
        "senator",
        "representative",
        "ambassador",
        "envoy",
        "chief",
        "commander",
        "director",
        "head",
        "leader",
        "king",
        "queen",
        "prince",
        "pope",
        "chairman",
        "chairwoman",
        "ceo",
        "judge",
        "prosecutor",
        "lawmaker",
        "official",
        "colonel",
        "captain",
        "admiral",
        "sergeant",
        "inspector",
        "superintendent",
        "detective",
        "professor",
        "doctor",
    ]
)
# Titles that, written before a proper noun, make it a person ("Gen. Oleksandr Syrskyi");
# modifiers such as "Foreign" or "Deputy" only qualify a title and also precede organisations.
_PERSON_TITLES: frozenset[str] = _word_set(
    """mr mrs ms miss mx dr prof professor sir dame lord lady president minister governor
    general chancellor premier secretary spokesperson mayor senator representative ambassador
    envoy chief commander director leader king queen prince princess pope judge prosecutor
    lawmaker colonel captain admiral sergeant lieutenant inspector superintendent detective
    doctor reverend sheikh ayatollah coach mp rabbi imam bishop archbishop"""
)
_GENDERED_TITLES: dict[str, str] = {
    **dict.fromkeys(("mr", "sir", "lord", "king", "prince", "father"), "m"),
    **dict.fromkeys(("mrs", "ms", "miss", "dame", "lady", "queen", "princess", "sister"), "f"),
}
# Nouns for what someone said; with a possessor they stand for the speaker ("her reply was").
SPEECH_NOUNS: frozenset[str] = _word_set(
    """response reply answer statement remark remarks comment comments word words message
    argument claim promise pledge demand warning retort quip tweet post question assessment
    verdict description explanation testimony plea vow"""
)
# Documents and outlets that "say" things: the source of a quotation can be one.
DOCUMENT_NOUNS: frozenset[str] = _word_set(
    """report letter statement study survey poll memo memorandum article ad advertisement
    tweet email e-mail message note sign banner website site page book column editorial
    bylaw bylaws law rule document release filing complaint lawsuit indictment ruling
    decision analysis review transcript headline story piece video clip petition resolution
    platform bill policy guidance notice caption record records text post blog op-ed
    newspaper magazine paper outlet network show program programme constitution amendment
    order opinion brief motion affidavit verdict warrant manifesto pamphlet flyer leaflet
    slogan sticker t-shirt shirt placard plaque ballot form survey questionnaire"""
)
# People described rather than named: "a doctor", "the protesters", "one voter".
PERSON_NOUNS: frozenset[str] = _word_set(
    """person people man men woman women child children kid kids boy girl mother father
    parent parents son daughter wife husband brother sister friend neighbor neighbour
    doctor nurse expert analyst critic critics supporter supporters opponent opponents
    candidate nominee voter voters resident residents student students official officials
    aide aides adviser advisor staffer staff source sources witness witnesses victim victims
    protester protesters demonstrator activist activists journalist reporter reporters
    writer author authors editor host anchor moderator panelist guest caller crowd audience
    fan fans member members veteran veterans soldier soldiers officer officers police
    lawyer attorney attorneys economist economists scientist scientists researcher
    researchers historian professor teacher teachers worker workers employee employees
    executive executives owner owners founder donor donors lawmaker lawmakers legislator
    legislators politician politicians strategist strategists pollster pollsters observer
    observers commentator commentators columnist blogger user users follower followers
    republican republicans democrat democrats conservative conservatives liberal liberals
    leader leaders chief spokesman spokeswoman spokesperson representative surrogate
    campaign everyone someone somebody anyone nobody many some others other few most all
    both each one"""
)
_AGENT_SUFFIXES = ("ist", "ian", "er", "or", "ant", "ent")
_NOT_AGENTS: frozenset[str] = _word_set(
    """number order matter water power center centre paper letter border corner quarter
    chapter factor error mirror sector vector color colour favor favour honor honour
    labor labour rumor rumour humor humour tumor meteor interior exterior majority minority
    percent moment comment content event point statement agreement government movement
    argument element document payment development investment department environment
    treatment management settlement amendment judgment judgement president client patient
    parent component opponent talent extent intent consent present accent agent
    fragment segment sentiment department plant grant want restaurant chant dependent
    weather winter summer river silver finger dinner member answer cancer offer other
    either neither whether together ever never later after under over super cover"""
)
_NOT_PERSON_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC", "ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})
_NOT_SPEAKER_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_MARK_CHARS = "\"'“”‘’«»„"
_MAX_WALK = 8


def _is_mark(word: str) -> bool:
    """A quotation-mark token: one mark, or the typewriter pair '' / `` of wire copy."""
    return bool(word) and len(word) <= 2 and all(c in _MARK_CHARS or c == "`" for c in word)


@dataclass(slots=True)
class _Person:
    """A mention of a person outside quotations, for pronoun and title resolution."""

    token: int  # head token index
    name: str  # normalised name
    titles: set[str] = field(default_factory=set)
    subject: bool = False
    sent_start: int = 0
    # The subject of a reporting verb: a one-word name that speaks is a person even when
    # the article never spells it out in full ("Obama said ...").
    speaks: bool = False


@dataclass(slots=True)
class _Resolved:
    name: str | None
    start: int
    end: int
    kind: str | None
    # How sure the resolution is, multiplied into the cue's confidence: 1 for a name, less for
    # a pronoun resolved by recency, a description, or a pronoun left unresolved.
    support: float = 1.0


_SENT_KEY = "factcheck_sentence_of_token"


def _sent(doc: Doc, i: int) -> Span:
    """The sentence of token i. spaCy's Token.sent walks the sentences on every call, which
    made attribution quadratic in article length: the table is built once per Doc."""
    table = doc.user_data.get(_SENT_KEY)
    if table is None:
        table = [None] * len(doc)
        for sent in docview.sents(doc):
            for k in range(sent.start, sent.end):
                table[k] = sent
        doc.user_data[_SENT_KEY] = table
    return table[i]


_CHILDREN_KEY = "factcheck_children_of_token"


def _children(tok: Token) -> list[Token]:
    """The token's children in text order, as Token.children gives them. spaCy finds them by
    scanning the token's whole subtree on every call, so a verb that heads a long sentence
    of quotations cost a walk of the sentence per quotation: the table is built once per Doc."""
    doc = tok.doc
    table = doc.user_data.get(_CHILDREN_KEY)
    if table is None:
        table = [[] for _ in range(len(doc))]
        for t in doc:
            if t.head.i != t.i:
                table[t.head.i].append(t)
        doc.user_data[_CHILDREN_KEY] = table
    return table[tok.i]


def _lefts(tok: Token) -> list[Token]:
    """The token's children before it (Token.lefts)."""
    return [c for c in _children(tok) if c.i < tok.i]


class _Article:
    """Per-document indexes built once: who is a person, their titles, organisations."""

    def __init__(self, doc: Doc, quotes: list[QuoteSpan]) -> None:
        self.doc = doc
        n = len(doc)
        self.in_quote = [False] * n
        self.quote_tokens: list[tuple[int, int]] = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                self.quote_tokens.append((0, 0))
                continue
            lo, hi = span.start, span.end
            if lo > 0 and _is_mark(doc[lo - 1].text):
                lo -= 1
            if hi < n and _is_mark(doc[hi].text):
                hi += 1
            self.quote_tokens.append((span.start, span.end))
            for i in range(lo, hi):
                self.in_quote[i] = True
        self._index_tokens()
        # Words NER calls a place or group somewhere in the article are not people elsewhere
        # (the small model tags "Kyiv" PERSON in one sentence and GPE in the next).
        self.not_person_words: set[str] = set()
        person_ents: list[Span] = []
        self.orgs: list[str] = []
        for ent in docview.ents(doc):
            if ent.label_ == "PERSON":
                person_ents.append(ent)
            elif ent.label_ in _NOT_PERSON_LABELS:
                if len(ent) == 1 or ent.label_ in ("GPE", "LOC"):
                    self.not_person_words.add(people.fold(ent.text))
                if ent.label_ == "ORG":
                    self.orgs.append(_strip_det(ent.text))
        # Organisations as written in subject position keep their possessor: "Russia's
        # National Guard" is the fullest name for a later "the National Guard".
        for tok in doc:
            if tok.dep_ == "nsubj" and (tok.ent_type_ == "ORG" or tok.lemma_.lower() in ORG_HEADS):
                np = docview.text(doc)[doc[_mention_start(tok)].idx : tok.idx + len(tok)]
                self.orgs.append(_strip_det(np))
        self.orgs = [people.strip_possessive(o) for o in self.orgs]
        self.person_at: dict[int, _Person] = {}
        self.names: list[str] = []
        full_names = set()
        for ent in person_ents:
            words = [t for t in ent if not people.is_title(t.text)]
            if len(words) > 1:
                full_names.add(people.normalize_name(" ".join(t.text for t in words)))
        for ent in person_ents:
            words = [t for t in ent if not people.is_title(t.text)]
            if not words:
                continue
            name = people.normalize_name(" ".join(t.text for t in words))
            titled = self._titles_before(ent.root)
            if (
                len(name.split()) < 2
                and not titled
                and people.fold(name) in self.not_person_words
                and not any(people.same_person(name, n) for n in full_names)
            ):
                continue
            self.names.append(name)
            self._add_person(ent.root, name, titled)
        # A surname the NER labelled otherwise in this sentence ("Trump" as ORG) is still the
        # person the article names in full elsewhere.
        if full_names:
            for tok in doc:
                if (
                    tok.pos_ == "PROPN"
                    and tok.i not in self.person_at
                    and tok.dep_ in ("nsubj", "nsubjpass", "appos", "pobj", "dobj", "poss")
                    and tok.ent_type_ not in ("GPE", "LOC", "NORP")
                ):
                    word = people.strip_possessive(tok.text)
                    if word[:1].isupper() and any(people.same_person(word, n) for n in full_names):
                        self.names.append(word)
                        self._add_person(tok, word, self._titles_before(tok))
        # Title-led proper nouns the NER missed or mislabelled: "Gen. Oleksandr Syrskyi".
        for tok in doc:
            if tok.pos_ == "PROPN" and tok.dep_ not in ("compound", "flat") and tok.i not in self.person_at:
                titled = self._titles_before(tok)
                if titled and tok.ent_type_ not in ("GPE", "LOC", "NORP"):
                    name = people.normalize_name(_propn_chain_text(tok))
                    if name:
                        self.names.append(name)
                        self._add_person(tok, name, titled)
        # Appositions name a title holder: "the foreign minister, Sergei Lavrov," and vice versa.
        for tok in doc:
            if tok.dep_ == "appos":
                a, b = tok.head, tok
                for noun, name_tok in ((a, b), (b, a)):
                    person = self.person_at.get(name_tok.i)
                    if person and noun.pos_ == "NOUN" and noun.lemma_.lower() in _TITLE_NOUNS:
                        person.titles.add(people.canonical_title(noun.lemma_))
        self.persons = sorted(self.person_at.values(), key=lambda p: p.token)
        # The persons who carried each title, in text order: a title's antecedent is looked
        # for among them only (the others were skipped one by one, per quotation).
        self.persons_titled: dict[str, list[_Person]] = {}
        for person in self.persons:
            for title in person.titles:
                self.persons_titled.setdefault(title, []).append(person)
        # Lookups over all the article's names, kept per name (names and orgs are final here).
        self._canonical: dict[str, str] = {}
        self._canonical_orgs: dict[str, str] = {}
        self._known: dict[tuple[str, bool], bool] = {}
        # Gender by surname, from gendered titles and then from pronouns already resolved, so
        # that "She said ... He said ..." does not give both to the same person.
        self.gender: dict[str, str] = {}
        for person in self.persons:
            for title in person.titles:
                if title in _GENDERED_TITLES:
                    self.gender.setdefault(people.surname(person.name), _GENDERED_TITLES[title])

    def _index_tokens(self) -> None:
        """Per-token indexes that keep every walk done per quotation bounded (issue 11).

        A walk from a quotation back or forward over marks, over quoted tokens, or over its
        whole sentence was linear in the sentence, so attribution was quadratic on a long
        sentence of quotations ('"a "a "a ...'). Each walk now jumps through these arrays, or
        reads an answer kept per sentence, and answers exactly what the walk answered.
        """
        doc, in_quote = self.doc, self.in_quote
        n = len(doc)
        words = [t.text for t in doc]
        spaces = [t.is_space for t in doc]
        self.is_mark = [_is_mark(w) for w in words]
        newline = ["\n" in w for w in words]
        # content_back[k]: the last token at or before k that is neither a mark nor whitespace.
        # stop_back[k]: the last token at or before k that _near_before does not walk through
        # (outside quotations and not a mark, or holding a line break). -1 when none.
        self.content_back = [-1] * n
        self.stop_back = [-1] * n
        self.newlines_before = [0] * (n + 1)  # line-break tokens in doc[:k]
        content = stop = -1
        for k in range(n):
            if not (self.is_mark[k] or spaces[k]):
                content = k
            if newline[k] or not (in_quote[k] or self.is_mark[k]):
                stop = k
            self.content_back[k] = content
            self.stop_back[k] = stop
            self.newlines_before[k + 1] = self.newlines_before[k] + newline[k]
        # content_fwd[k]: the first token at or after k that is neither a mark nor whitespace;
        # quote_run_end[k]: the first token at or after k outside quotations. n when none.
        self.content_fwd = [n] * (n + 1)
        self.quote_run_end = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            self.content_fwd[k] = k if not (self.is_mark[k] or spaces[k]) else self.content_fwd[k + 1]
            self.quote_run_end[k] = self.quote_run_end[k + 1] if in_quote[k] else k
        # Answers that depend on the sentence only, not on which of its quotations asks.
        self.by_sentence: dict[tuple[str, int], object] = {}
        self.outer_memo: dict[int, _Cue | None] = {}
        self._line_breaks: list[int] | None = None

    def line_breaks(self) -> list[int]:
        """Offsets of every line break in the text, in order."""
        if self._line_breaks is None:
            self._line_breaks = [m.start() for m in re.finditer("\n", docview.text(self.doc))]
        return self._line_breaks

    def content_before(self, k: int) -> int:
        """The last token at or before k that is neither a mark nor whitespace, or -1."""
        return self.content_back[k] if k >= 0 else -1

    def has_newline(self, lo: int, hi: int) -> bool:
        """Whether a token in doc[lo:hi] holds a line break."""
        lo, hi = max(0, lo), min(len(self.doc), hi)
        return hi > lo and self.newlines_before[hi] > self.newlines_before[lo]

    def sentence_once(self, what: str, start: int, compute):
        """compute() for the sentence starting at token `start`, computed once."""
        key = (what, start)
        if key not in self.by_sentence:
            self.by_sentence[key] = compute()
        return self.by_sentence[key]

    def _titles_before(self, head: Token) -> set[str]:
        """Title words in the name's compound chain: 'Belgorod Gov. Vyacheslav Gladkov'."""
        titles: set[str] = set()
        if head.lemma_.lower() in ORG_HEADS:
            return titles
        for t in _lefts(head):
            if t.dep_ in ("compound", "amod", "nmod", "flat"):
                title = people.canonical_title(t.text)
                if title in _PERSON_TITLES:
                    titles.add(title)
        i = head.left_edge.i - 1
        # "Mr" or "President" tagged as a separate token just before a short chain.
        if i >= 0 and self.doc[i].is_title:
            title = people.canonical_title(self.doc[i].text)
            if title in _PERSON_TITLES:
                titles.add(title)
        return titles

    def _add_person(self, head: Token, name: str, titles: set[str]) -> None:
        if self.in_quote[head.i]:
            return
        self.person_at[head.i] = _Person(
            token=head.i,
            name=name,
            titles=set(titles),
            subject=head.dep_ in ("nsubj", "nsubjpass") or _is_subject_appos(head),
            sent_start=_sent(head.doc, head.i).start,
            speaks=head.dep_ == "nsubj" and _is_cue(head.head),
        )

    # --- resolution -------------------------------------------------------------------------

    def canonical_person(self, name: str) -> str:
        if name not in self._canonical:
            self._canonical[name] = people.fullest_name(name, self.names)
        return self._canonical[name]

    def known_person(self, name: str, *, fuller: bool = False) -> bool:
        """A person the article names (with fuller: names with more than one word)."""
        key = (name, fuller)
        if key not in self._known:
            self._known[key] = any(
                (not fuller or len(n.split()) > 1) and people.same_person(name, n) for n in self.names
            )
        return self._known[key]

    def canonical_org(self, name: str) -> str:
        if name not in self._canonical_orgs:
            self._canonical_orgs[name] = self._fullest_org(name)
        return self._canonical_orgs[name]

    def _fullest_org(self, name: str) -> str:
        """Fullest organisation name that ends with the same words, or expands the acronym."""
        key = [people.fold(w) for w in name.split()]
        best = name
        for org in self.orgs:
            words = org.split()
            fw = [people.fold(w) for w in words]
            if len(fw) > len(key) and fw[-len(key) :] == key and len(org) > len(best):
                best = org
            if len(key) == 1 and name.isupper() and len(name) >= 2:
                initials = "".join(w[0] for w in words if w[:1].isupper())
                if initials == name and len(org) > len(best):
                    best = org
        return best

    def antecedent(self, tok: Token, want_title: str | None = None, gender: str | None = None) -> _Person | None:
        """The person a pronoun or title refers to: the most recent one in subject position.

        Looks back sentence by sentence (at most eight); inside a sentence, subjects win over
        other mentions. With want_title, only persons who carried that title count.
        """
        sent_starts: list[int] = []
        best_in_sent: _Person | None = None
        # Only persons before the token, and with want_title only those who carried it.
        pool = self.persons_titled.get(want_title, []) if want_title else self.persons
        before = bisect_left(pool, tok.i, key=lambda p: p.token)
        for k in range(before - 1, -1, -1):
            person = pool[k]
            if gender and self.gender.get(people.surname(person.name), gender) != gender:
                continue
            if (
                len(person.name.split()) < 2
                and not person.titles
                and not person.speaks
                and not self._confirmed(person.name)
            ):
                continue
            if not sent_starts or person.sent_start != sent_starts[-1]:
                if best_in_sent is not None:
                    return best_in_sent
                sent_starts.append(person.sent_start)
                if len(sent_starts) > 8:
                    return None
            if person.subject:
                return person
            if best_in_sent is None:
                best_in_sent = person
        return best_in_sent

    def _confirmed(self, name: str) -> bool:
        """A one-word person name that matches a fuller person name in the article."""
        return self.known_person(name, fuller=True)

    def resolve(self, tok: Token) -> _Resolved | None:
        """Name, mention offsets and kind for the subject token of a reporting verb."""
        doc = self.doc
        low = tok.lower_
        if low in _RELATIVE and tok.head.dep_ != "relcl" and tok.dep_ in ("nsubj", "nsubjpass"):
            # "the Police Department which reported ..." parsed as a clause of its own: the
            # noun right before the pronoun is what it stands for.
            j = tok.i - 1
            while j >= 0 and doc[j].is_punct and j > tok.i - 3:
                j -= 1
            if j >= 0 and doc[j].pos_ in ("NOUN", "PROPN") and not self.in_quote[j]:
                res = self.resolve(doc[j])
                if res is not None:
                    res.end = max(res.end, tok.idx + len(tok))
                return res
        if low in _RELATIVE and tok.head.dep_ == "relcl":
            # "Beck, who said ...": the name is the antecedent's, the mention runs from it to
            # the relative pronoun the clause actually uses.
            res = self.resolve(tok.head.head)
            if res is not None:
                res.start = min(res.start, tok.idx)
                res.end = max(res.end, tok.idx + len(tok))
            return res
        # The appositive name beats the description: "The ... envoy, Rodion Miroshnik, said".
        for child in _children(tok):
            if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i in self.person_at:
                return self.resolve(child)
        if tok.pos_ == "PRON" or low in _PERSON_PRONOUNS:
            if low in _PERSON_PRONOUNS:
                gender = "f" if low in ("she", "her") else "m"
                person = self.antecedent(tok, gender=gender)
                if person is None:
                    # Nobody to refer to (a lone sentence): the pronoun is the best name we have.
                    return _Resolved(tok.text, tok.idx, tok.idx + len(tok), "person", 0.5)
                self.gender.setdefault(people.surname(person.name), gender)
                return _Resolved(self.canonical_person(person.name), tok.idx, tok.idx + len(tok), "person", 0.95)
            if low in _GROUP_PRONOUNS:
                org = self._org_antecedent(tok)
                if org is not None:
                    return _Resolved(org, tok.idx, tok.idx + len(tok), "org", 0.7)
                if low in ("they", "them"):
                    return _Resolved(tok.text, tok.idx, tok.idx + len(tok), "org", 0.4)
            if low in ("i", "we"):
                # The writer (an op-ed, a first-person piece): the mention is all the text gives.
                return _Resolved(tok.text, tok.idx, tok.idx + len(tok), "person", 0.5)
            return None
        start_tok = _mention_start(tok)
        m_start = doc[start_tok].idx
        m_end = tok.idx + len(tok)
        if tok.pos_ == "PROPN":
            person = self.person_at.get(tok.i)
            if person is not None:
                return _Resolved(self.canonical_person(person.name), m_start, m_end, "person")
            name = people.normalize_name(_propn_chain_text(tok))
            # "Smith, the shadow chancellor, said": a title in apposition makes a person,
            # whatever the NER thought; so does a surname already known as a person's.
            if _has_title_appos(tok) or self.known_person(name):
                return _Resolved(self.canonical_person(name), m_start, m_end, "person")
            if tok.ent_type_ in _ORG_LABELS or tok.lemma_.lower() in ORG_HEADS:
                org = _strip_det(docview.text(doc)[m_start:m_end])
                return _Resolved(self.canonical_org(org), m_start, m_end, "org")
            if people.fold(name) in self.not_person_words:
                return _Resolved(name, m_start, m_end, "org")
            return _Resolved(name, m_start, m_end, "person")
        lemma = tok.lemma_.lower()
        if lemma in _TITLE_NOUNS or people.is_title(tok.text):
            person = self.antecedent(tok, want_title=people.canonical_title(lemma))
            if person is not None:
                return _Resolved(self.canonical_person(person.name), m_start, m_end, "person")
        text = _strip_det(docview.text(doc)[m_start:m_end])
        if lemma in ORG_HEADS or tok.ent_type_ in _ORG_LABELS:
            return _Resolved(self.canonical_org(text), m_start, m_end, "org")
        if tok.pos_ in ("NOUN", "PROPN"):
            kind = "org" if lemma in DOCUMENT_NOUNS else "person"
            return _Resolved(text, m_start, m_end, kind, 0.87)
        if (
            tok.lower_ == "old"
            and tok.i >= 2
            and doc[tok.i - 2].lower_ in ("year", "years")
            and any(c.dep_ == "det" for c in _children(tok))
        ):
            # '..., said the 46-year-old.': an age standing for the person the article names.
            person = self.antecedent(tok)
            if person is not None:
                return _Resolved(self.canonical_person(person.name), m_start, m_end, "person", 0.8)
            return _Resolved(text, m_start, m_end, "person", 0.7)
        return None

    def resolve_span(self, start: int, end: int) -> _Resolved:
        """A name written out at [start, end) with no verb (after a dash, in a label)."""
        words = docview.text(self.doc)[start:end].rstrip(".,")
        end = start + len(words)
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            for tok in reversed(span):
                person = self.person_at.get(tok.i)
                if person is not None:
                    return _Resolved(self.canonical_person(person.name), start, end, "person")
            if span.root.ent_type_ == "ORG":
                return _Resolved(self.canonical_org(_strip_det(words)), start, end, "org")
        return _Resolved(self.canonical_person(people.normalize_name(words)), start, end, "person", 0.9)

    def resolve_label(self, start: int, end: int) -> _Resolved:
        """A transcript label: 'PENCE' -> 'Mike Pence' when the article names him; 'Q' stays."""
        label = docview.text(self.doc)[start:end]
        if len(label) == 1:
            return _Resolved(label, start, end, "person", 0.6)
        words = " ".join(w.capitalize() for w in label.split())
        return _Resolved(self.canonical_person(people.normalize_name(words)), start, end, "person")

    def _org_antecedent(self, tok: Token) -> str | None:
        """'it'/'they': the most recent organisation or country in subject position."""
        for j in range(tok.i - 1, max(-1, tok.i - 200), -1):
            t = self.doc[j]
            if self.in_quote[j] or t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if t.ent_type_ in _ORG_LABELS or t.lemma_.lower() in ORG_HEADS:
                start = _mention_start(t)
                name = _strip_det(docview.text(self.doc)[self.doc[start].idx : t.idx + len(t)])
                return self.canonical_org(name)
        return None


def _strip_det(text: str) -> str:
    words = text.split()
    while words and people.fold(words[0]) in ("the", "a", "an", "this", "that", "its", "their"):
        words = words[1:]
    return " ".join(words) if words else text


def _has_title_appos(tok: Token) -> bool:
    return any(c.dep_ == "appos" and c.lemma_.lower() in _TITLE_NOUNS for c in _children(tok))


def _is_subject_appos(tok: Token) -> bool:
    return tok.dep_ == "appos" and tok.head.dep_ in ("nsubj", "nsubjpass")


def _mention_start(tok: Token) -> int:
    """First token of the noun phrase headed by tok, without clauses, appositions or PPs."""
    start = tok.i
    for child in _lefts(tok):
        if child.dep_ in ("compound", "flat", "amod", "det", "poss", "nmod", "nummod", "case", "punct", "quantmod"):
            start = min(start, child.left_edge.i)
    doc = tok.doc
    while start < tok.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start


def _propn_chain_text(tok: Token) -> str:
    """The proper-noun chain that ends at tok, titles included: 'Belgorod Gov. Vyacheslav Gladkov'."""
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i >= start - 1:
        if doc[start - 1].dep_ not in ("compound", "flat", "nmod"):
            break
        start -= 1
    return doc[start : tok.i + 1].text


# Phrasal verbs of speech whose verb alone is not one: "he went on", "she fired back".
_PHRASAL_CUES: dict[str, frozenset[str]] = {
    "go": frozenset({"on"}),
    "fire": frozenset({"back"}),
    "shoot": frozenset({"back"}),
    "hit": frozenset({"back"}),
    "chime": frozenset({"in"}),
    "weigh": frozenset({"in"}),
    "point": frozenset({"out"}),
    "lash": frozenset({"out"}),
    "sum": frozenset({"up"}),
    "spell": frozenset({"out"}),
}


def _is_cue(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        if lemma in SPEECH_LEMMAS:
            return True
        parts = _PHRASAL_CUES.get(lemma)
        if parts is not None:
            return any(c.dep_ == "prt" and c.lower_ in parts for c in _children(tok))
    return tok.lower_ == "according"


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The subject of a reporting verb, inherited through participles and coordination."""
    if verb.lower_ == "according":
        for child in _children(verb):
            if child.dep_ == "prep":
                for obj in _children(child):
                    if obj.dep_ == "pobj":
                        return _author(obj)
        return None
    subjects = [c for c in _children(verb) if c.dep_ == "nsubj"]
    if subjects:
        # "Speaking in Salem, New Hampshire, Trump went ...", "Washington (AFP) - Clinton
        # has ...": a dateline or fronted phrase the parser also took for a subject; the
        # subject nearest the verb, not a place, is the one that governs it.
        cands = [c for c in subjects if c.ent_type_ not in ("GPE", "LOC")] or subjects
        # "Matthew Savill, military sciences director at ..., said": the name, not its title.
        cands = [c for c in cands if c.pos_ == "PROPN" or c.ent_type_ == "PERSON"] or cands
        before = [c for c in cands if c.i < verb.i]
        return before[-1] if before else cands[0]
    for child in _children(verb):
        if child.dep_ == "agent":  # "it was said by X"
            for obj in _children(child):
                if obj.dep_ == "pobj":
                    return obj
    for child in _lefts(verb):
        if child.dep_ == "ccomp" and not _is_mark(child.text):
            # "One attendee, who like others spoke anonymously, said ...": the parser made the
            # subject and its clause a clause of the verb; that clause's subject says it.
            subj = next((c for c in _children(child) if c.dep_ == "nsubj" and c.i < child.i), None)
            if subj is not None and subj.pos_ in ("NOUN", "PROPN") and (_speaker_like(subj) or _has_who(subj)):
                return subj
    if depth >= 4:
        return None
    head = verb.head
    if head.i == verb.i:
        return None
    # "with its director general, X, urging ..." : the object of "with" does the urging.
    if verb.dep_ == "pcomp" and head.lower_ == "with":
        for child in _children(head):
            if child.dep_ == "pobj":
                return child
    if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):  # "the envoy, speaking at ..."
        # "X issued a statement saying ...", "X released an ad that says ...": whoever
        # issued the words said them.
        lemma = head.lemma_.lower()
        if (lemma in DOCUMENT_NOUNS or lemma in SPEECH_NOUNS) and head.dep_ in ("dobj", "pobj"):
            issuer = head.head if head.dep_ == "dobj" else head.head.head
            for child in _children(issuer):
                if child.dep_ == "nsubj" and _speaker_like(child):
                    return child
        if verb.dep_ == "acl":
            # "the envoy, speaking at ...": the noun speaks. "a formula called the 'chained
            # CPI'", "at one point calling the mayor a liar": it does not; whoever governs
            # the noun's clause does.
            if _speaker_like(head):
                return head
            gov = head.head
            if head.dep_ == "pobj":
                gov = gov.head
            if head.dep_ in ("dobj", "pobj", "attr", "oprd", "npadvmod") and gov.pos_ in ("VERB", "AUX"):
                return _subject(gov, depth + 1)
            return None
    if verb.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "prep", "acl"):
        return None
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if (
        verb.tag_ == "VBG"
        and verb.dep_ in ("xcomp", "advcl", "acl")
        and before is not None
        and before.dep_ in ("pobj", "dobj")
        and before.ent_type_ == "PERSON"
    ):
        # "The ad uses footage of Hillary Clinton asking, ...": the person right before the
        # participle does the asking, whatever clause the parser hung it on.
        return before
    got = _inherited_subject(verb, depth)
    if got is not None and not _speaker_like(got):
        # "Bennett denied the notion that a shakeup is coming, explaining ...": the parser
        # hung the participle on the wrong clause; the speaker is higher up, among the
        # subjects that can speak.
        node = verb.head
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                subj = next((c for c in _children(node) if c.dep_ == "nsubj"), None)
                if subj is not None and _speaker_like(subj):
                    return subj
    return got


def _inherited_subject(verb: Token, depth: int) -> Token | None:
    head = verb.head
    # "X said Kyiv aimed to ..., adding that ...": the parser often hangs the participle on the
    # reported verb; the one adding is the reporter, so a reporting verb higher up wins.
    node = head
    for _ in range(4):
        if _is_cue(node) and node.i != verb.i:
            for child in _children(node):
                if child.dep_ == "nsubj":
                    return child
            if node.tag_ == "VBG" and depth < 3:
                # "..., telling CNN that Trump is a faker and questioning how he ...": the
                # second participle hangs on the reported clause; the one telling questions.
                got = _subject(node, depth + 1)
                if got is not None:
                    return got
        if node.head.i == node.i or node.dep_ not in ("ccomp", "conj", "advcl", "xcomp", "relcl"):
            break
        node = node.head
    return _subject(head, depth + 1)


def _quote_roots(doc: Doc, lo: int, hi: int) -> list[Token]:
    """The quoted tokens whose head lies outside the quotation (or who are their own head)."""
    return [t for t in doc[lo:hi] if not (lo <= t.head.i < hi) or t.head.i == t.i]


def _ancestors_outside(token: Token, lo: int, hi: int) -> Iterator[Token]:
    """The token's ancestors outside [lo, hi), nearest first, at most _MAX_WALK steps up."""
    node = token
    for _ in range(_MAX_WALK):
        if node.head.i == node.i:
            return
        node = node.head
        if not (lo <= node.i < hi):
            yield node


@dataclass(slots=True)
class _Cue:
    verb: Token
    subject: Token


def _walk_up(art: _Article, lo: int, hi: int) -> _Cue | None:
    """From the quoted tokens up the tree to the first reporting verb outside the quotation."""
    doc, in_quote = art.doc, art.in_quote
    for root in _quote_roots(doc, lo, hi):
        for node in _ancestors_outside(root, lo, hi):
            if _is_cue(node) and node.lemma_.lower() not in _WEAK_CUES:
                subj = _subject(node)
                if subj is not None and not in_quote[subj.i]:
                    outer = _outer_speaker(node, art)
                    return outer if outer is not None and _is_cue(outer.verb) else _Cue(node, subj)
            aside = _as_aside(node, in_quote)
            if aside is not None:
                return aside
    return None


def _as_aside(node: Token, in_quote: list[bool]) -> _Cue | None:
    """'..., as X put it' / 'As X noted, ...' hung on a clause the quotation is part of: the
    aside names who used the words, nearer than any reporting verb further up the tree."""
    if node.pos_ not in ("VERB", "AUX"):
        return None
    for child in _children(node):
        if (
            child.dep_ == "advcl"
            and _is_cue(child)
            and not in_quote[child.i]
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in _children(child))
        ):
            subj = _subject(child)
            if subj is not None and not in_quote[subj.i] and _speaker_like(subj):
                return _Cue(child, subj)
    return None


def _sentence_aside(art: _Article, lo: int) -> _Cue | None:
    """'As Ms. Varga put it in a statement, the channel is "..."', 'And perhaps, he said, it
    could show "..."': an aside earlier in the quotation's sentence names who used the words,
    however far from the marks the parser left it. The nearest aside before the marks wins."""
    sent = _sent(art.doc, lo)
    # Whether a token is such an aside does not depend on the quotation: the asides of a
    # sentence are found once, and each quotation takes the last one before its marks.
    found: tuple[list[int], list[_Cue]] = art.sentence_once("aside", sent.start, lambda: _asides(art, sent))
    at = bisect_left(found[0], lo) - 1
    return found[1][at] if at >= 0 else None


def _asides(art: _Article, sent: Span) -> tuple[list[int], list[_Cue]]:
    """The asides of a sentence ('as X put it', ', he said,'), in text order, with their cues."""
    doc, in_quote = art.doc, art.in_quote
    where: list[int] = []
    cues: list[_Cue] = []
    for k in range(sent.start, sent.end):
        t = doc[k]
        if in_quote[k] or not _is_cue(t) or t.lower_ == "according":
            continue
        as_marked = any(c.dep_ == "mark" and c.lower_ == "as" for c in _children(t))
        between_commas = (
            k + 1 < len(doc)
            and doc[k + 1].text == ","
            and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in _children(t))
            and any(doc[j].text == "," for j in range(max(sent.start, k - 4), k))
        )
        if not (as_marked or between_commas):
            continue
        subj = _subject(t)
        if subj is not None and subj.i < k and not in_quote[subj.i] and _speaker_like(subj):
            where.append(k)
            cues.append(_Cue(t, subj))
    return where, cues


def _near_after(art: _Article, hi: int) -> _Cue | None:
    """'..., he added' / '..." said X' : a reporting verb within a few tokens after the marks."""
    doc, in_quote = art.doc, art.in_quote
    # A quotation that ends its own sentence ('"... base."') is followed by a new sentence:
    # its verb is the quotation's cue only when it has no content of its own.
    k = art.content_before(min(hi, len(doc)) - 1)
    closed = k >= 0 and doc[k].text == "."
    seen = 0
    skip_to = hi
    for j in range(hi, min(len(doc), hi + 24)):
        t = doc[j]
        if j < skip_to:
            continue
        if in_quote[j] and seen:
            run = art.quote_run_end[j]
            if run - j > 5:
                break  # the next quotation: its own frame
            skip_to = run  # a quoted nickname or title inside the frame: 'Marcia "Cia" Price'
            continue
        if "\n" in t.text or t.text in (".", "!", "?", ";"):
            break  # the cue after a quotation is in its sentence and paragraph
        if t.is_space or _is_mark(t.text):
            continue
        seen += 1
        # Past a dozen words only a comma-closed apposition ("X, the ... of ..., said") may
        # still separate the marks from the verb.
        if seen > 12 and not _is_cue(t):
            continue
        if seen == 3 and t.lower_ in _SLIPPED_CUES and t.pos_ == "NOUN" and j + 1 < len(doc):
            # '"...," the document states.': the tagger took the verb for a plural noun.
            subj, det = doc[j - 1], doc[j - 2]
            if (
                subj.pos_ == "NOUN"
                and det.pos_ == "DET"
                and doc[j + 1].text in (".", ",")
                and not in_quote[subj.i]
                and _speaker_like(subj)
            ):
                return _Cue(t, subj)
        if _is_cue(t):
            if _introduces_next(doc, t):
                return None  # 'Mr. Zahed said: "..."' belongs to the quotation after it
            if closed and _has_own_content(t):
                return None  # '"... base." While critics welcomed the plan, ...': a new sentence
            subj = _subject(t)
            if subj is None or in_quote[subj.i]:
                # The parse missed it, or took a quoted word for the subject of an inverted
                # "..., tweeted a user from Hanover": the nearest source-like noun after the verb.
                subj = _first_person(doc, hi, j, in_quote) or _nearest_nominal(
                    doc, j + 1, min(len(doc), j + 6), t.i, in_quote
                )
                if subj is None and seen <= 12:
                    subj = _nearest_nominal(doc, hi, j, t.i, in_quote)
            if subj is not None and not in_quote[subj.i]:
                return _Cue(t, subj)
            return None
    return None


def _near_before(art: _Article, lo: int) -> _Cue | None:
    """'X said:' / 'X told reporters' : the last reporting verb shortly before the marks."""
    doc, in_quote = art.doc, art.in_quote
    j = art.content_before(lo - 1)
    budget = 15  # words outside quotations
    crossed_sentence = False
    k = j + 1
    while k > 0:
        k -= 1
        if not crossed_sentence:
            # An earlier quotation of the same sentence shares its cue: 'X, he said, can
            # "rock like Jimi" and "stir the pot"': quoted tokens and marks are passed over
            # (in one jump, to the last token before them that is not one, or a line break).
            k = art.stop_back[k]
            if k < 0:
                break
        t = doc[k]
        if "\n" in t.text:
            break
        if in_quote[k] or art.is_mark[k]:
            break  # across a sentence end an earlier quotation does not share the cue
        budget -= 1
        if budget < 0:
            break
        if t.text in (".", "!", "?"):
            if k != j:
                break
            crossed_sentence = True
            continue
        if crossed_sentence:
            return None
        if _is_cue(t):
            subj = _subject(t)
            if subj is not None and in_quote[subj.i]:
                # 'Weaver seemed unimpressed, telling reporters, "A lot of people said ..."':
                # the parser hung the clause on the quoted verb; the subject of the nearest
                # clause above the cue outside the quotation is the speaker.
                subj = _clause_subject_outside(t, in_quote)
            if subj is None:
                subj = _nearest_nominal(doc, max(0, k - 6), k, k, in_quote)
            if subj is not None and not in_quote[subj.i]:
                return _Cue(t, subj)
            return None
    return None


def _clause_subject_outside(verb: Token, in_quote: list[bool]) -> Token | None:
    """The subject of the first verb above `verb` (itself included) outside the quotations."""
    node = verb
    for _ in range(4):
        if in_quote[node.i]:
            return None
        if node.pos_ in ("VERB", "AUX"):
            subj = next((c for c in _children(node) if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and not in_quote[subj.i]:
                return subj
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _introduced_before(art: _Article, lo: int) -> bool:
    """'..., saying at one point, "..."' / '..., telling reporters: "..."': a reporting verb a
    few words before the opening mark, closed off by a comma or colon, introduces it."""
    doc, in_quote = art.doc, art.in_quote
    j = art.content_before(lo - 1)
    if j < 0 or doc[j].text not in (",", ":"):
        return False
    for k in range(j - 1, max(-1, j - 5), -1):
        t = doc[k]
        if in_quote[k] or t.text in (".", "!", "?", ";") or "\n" in t.text:
            return False
        if _is_cue(t) and t.lower_ != "according":
            return True
    return False


def _previous_sentence_cue(art: _Article, lo: int) -> _Cue | None:
    """A quotation introduced by the previous sentence ending in a colon: 'He added:'."""
    sent = _sent(art.doc, lo)
    return art.sentence_once("colon before", sent.start, lambda: _sentence_colon_cue(art, sent))


def _sentence_colon_cue(art: _Article, sent: Span) -> _Cue | None:
    doc, in_quote = art.doc, art.in_quote
    prev = _previous_sentence(doc, sent)
    if prev is None:
        return None
    last = [t for t in prev if not t.is_space]
    if not last or last[-1].text != ":":
        return None
    for t in reversed(last):
        if _is_cue(t):
            subj = _subject(t)
            if subj is not None and not in_quote[subj.i]:
                return _Cue(t, subj)
    return _colon_lead_cue(doc, last[-1].i, in_quote)


def _previous_sentence(doc: Doc, sent: Span) -> Span | None:
    """The sentence before sent, skipping sentences that are only whitespace."""
    start = sent.start
    while start > 0:
        prev = _sent(doc, start - 1)
        if any(not t.is_space for t in prev):
            return prev
        start = prev.start
    return None


def _colon_lead(art: _Article, lo: int) -> _Cue | None:
    """'Rubio fired back: “...”', 'Her answer was blunt: “...”', 'Former senator Jo Hale: “...”'.

    A quotation right after a colon is introduced by the clause before the colon, whatever
    its verb: the clause's subject speaks, or, with no verb at all, the noun phrase itself.
    """
    doc, in_quote = art.doc, art.in_quote
    j = art.content_before(lo - 1)
    if j < 0 or doc[j].text != ":":
        return None
    return _colon_lead_cue(doc, j, in_quote)


def _colon_lead_cue(doc: Doc, colon: int, in_quote: list[bool]) -> _Cue | None:
    sent = _sent(doc, colon)
    start = sent.start
    for k in range(colon - 1, sent.start - 1, -1):  # the clause after an earlier colon or quote
        if doc[k].text in (":", ";") or in_quote[k]:
            start = k + 1
            break
    clause = [t for t in doc[start:colon] if not t.is_space and not t.is_punct]
    if not clause:
        return None
    roots = [t for t in clause if not (start <= t.head.i < colon) or t.head.i == t.i]
    for root in roots:
        if root.pos_ in ("VERB", "AUX"):
            subj = _subject(root)
            if subj is None:  # "Here's Clinton in 1992:" - the attribute is who speaks
                subj = next((c for c in _children(root) if c.dep_ == "attr" and _speaker_like(c)), None)
            if subj is not None and not in_quote[subj.i] and _speaker_like(_speaker_token(subj)):
                return _Cue(root, subj)
        elif root.pos_ in ("PROPN", "NOUN") and _speaker_like(_speaker_token(root)):
            return _Cue(root, root)
    return None


def _opens_sentence(art: _Article, sent: Span, lo: int) -> bool:
    """Whether the quotation whose marks open at lo opens its sentence (nothing but marks and
    whitespace before it), in a sentence that is not the first."""
    first = art.content_fwd[sent.start]
    return first < sent.end and first >= lo - 1 and sent.start != 0


def _previous_sentence_speaker(art: _Article, lo: int) -> _Cue | None:
    """A quoted sentence after a sentence of reported speech in the same paragraph.

    'She said she and Obama had made progress. "I really believe ..."': the quotation goes on
    from the reporting sentence before it. Only the sentence right before, only inside the
    paragraph, and only when the quotation opens its own sentence.
    """
    sent = _sent(art.doc, lo)
    if not _opens_sentence(art, sent, lo):
        return None
    return art.sentence_once("speaker before", sent.start, lambda: _sentence_speaker_before(art, sent))


def _sentence_speaker_before(art: _Article, sent: Span) -> _Cue | None:
    doc, in_quote = art.doc, art.in_quote
    prev = _sent(doc, sent.start - 1)
    if art.has_newline(prev.end - 1, sent.start + 1):
        return None
    for t in prev:
        if not in_quote[t.i] and _is_cue(t) and t.lemma_.lower() not in _WEAK_CUES:
            subj = _subject(t)
            if subj is not None and not in_quote[subj.i] and _speaker_like(subj):
                return _Cue(t, subj)
    return None


def _previous_paragraph_person(art: _Article, lo: int) -> _Cue | None:
    """A quotation paragraph with no cue after a paragraph about one person.

    'Hale is upbeat about the vote, in part because she sees ... | “We will win this.”': news
    style introduces the speaker in the paragraph before and lets the quotation stand alone.
    Only when the quotation opens its paragraph and the last sentence before it has a person
    (a name or he/she) as its subject, outside any quotation.
    """
    sent = _sent(art.doc, lo)
    if not _opens_sentence(art, sent, lo) or not art.has_newline(sent.start - 2, lo):
        return None
    return art.sentence_once("person before", sent.start, lambda: _paragraph_person_before(art, sent))


def _paragraph_person_before(art: _Article, sent: Span) -> _Cue | None:
    doc, in_quote = art.doc, art.in_quote
    prev = _previous_sentence(doc, sent)
    if prev is None or any(in_quote[t.i] for t in prev):
        return None
    root = prev.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    subj = next((c for c in _children(root) if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or in_quote[subj.i]:
        return None
    if subj.ent_type_ == "PERSON" or subj.lower_ in ("he", "she"):
        return _Cue(root, subj)
    return None


def _according_to(art: _Article, lo: int) -> _Cue | None:
    """'according to X' or 'per X' in the quotation's sentence: X is the source. A speech
    or document someone gave stands for them: 'according to a speech Ms. Hale gave'.
    The answer is the sentence's, whichever of its quotations asks: found once."""
    sent = _sent(art.doc, lo)
    return art.sentence_once("according", sent.start, lambda: _sentence_according_to(sent, art.in_quote))


def _sentence_according_to(sent: Span, in_quote: list[bool]) -> _Cue | None:
    for t in sent:
        if in_quote[t.i]:
            continue
        subj = None
        if t.lower_ == "according":
            subj = _subject(t)
        elif t.lower_ == "per" and t.dep_ == "prep":
            subj = next((c for c in _children(t) if c.dep_ == "pobj" and _speaker_like(c)), None)
        if subj is not None and not in_quote[subj.i]:
            return _Cue(t, subj if t.lower_ == "according" else _author(subj))
    return None


def _author(noun: Token) -> Token:
    """'a speech Ms. Hale gave', 'the memo the senator wrote': the clause's subject."""
    lemma = noun.lemma_.lower()
    if lemma in SPEECH_NOUNS or lemma in DOCUMENT_NOUNS or lemma in ("speech", "interview", "address"):
        for child in _children(noun):
            if child.dep_ in ("relcl", "acl"):
                for c in _children(child):
                    if c.dep_ == "nsubj" and (c.ent_type_ == "PERSON" or c.pos_ == "PROPN"):
                        return c
    return noun


def _headline_subject(doc: Doc, lo: int, hi: int, in_quote: list[bool]) -> _Cue | None:
    """Headline scare quotes: the subject of the quoted verb ("Ukraine 'captures ...'")."""
    for t in doc[lo:hi]:
        if t.pos_ in ("VERB", "AUX"):
            if t.dep_ in ("aux", "auxpass") and lo <= t.head.i < hi:
                t = t.head  # "'will close'": the subject hangs on the main verb
            subj = _subject(t)
            if subj is not None and not in_quote[subj.i] and subj.i < lo:
                return _Cue(t, subj)
            break
    return None


def _has_own_content(verb: Token) -> bool:
    """A verb with its own clause or a non-person object: 'welcomed the announcement'."""
    for child in _children(verb):
        if child.dep_ in ("ccomp", "xcomp"):
            return True
        if child.dep_ == "dobj" and child.pos_ != "PRON" and not _speaker_like(child):
            return True
    return False


def _introduces_next(doc: Doc, verb: Token) -> bool:
    """A reporting verb followed by a colon introduces the quotation after it, not the one
    before. (After a comma it frames both: '"...," he said, "..."'.)"""
    for t in doc[verb.i + 1 : min(len(doc), verb.i + 6)]:
        if t.text == ":":
            return True
        if t.text in (".", "!", "?", ";") or "\n" in t.text or _is_mark(t.text):
            return False
    return False


def _first_person(doc: Doc, lo: int, hi: int, in_quote: list[bool]) -> Token | None:
    """The last word of the first person's name in [lo, hi): 'William M. Daley, ..., said'."""
    for j in range(lo, hi):
        t = doc[j]
        if not in_quote[j] and t.ent_type_ == "PERSON" and (j + 1 >= hi or doc[j + 1].ent_iob_ != "I"):
            return t
    return None


def _nearest_nominal(doc: Doc, lo: int, hi: int, anchor: int, in_quote: list[bool]) -> Token | None:
    """The proper noun, pronoun or noun closest to anchor in [lo, hi), outside quotations."""
    best: Token | None = None
    for j in range(lo, hi):
        t = doc[j]
        if j == anchor or in_quote[j] or t.pos_ not in ("PROPN", "PRON", "NOUN"):
            continue
        if t.ent_type_ in _NOT_SPEAKER_ENTS or not _speaker_like(t):
            continue
        if t.dep_ == "appos" and t.left_edge.i > 0 and doc[t.left_edge.i - 1].text == "(":
            continue  # "Rep. Paul Ryan (R-WI) said": the bracketed party and state
        if t.pos_ == "PROPN" and j + 1 < hi and doc[j + 1].pos_ == "PROPN":
            continue  # take the last word of a name
        if best is None or abs(j - anchor) < abs(best.i - anchor):
            best = t
    return best


# Confidence of each way of finding a speaker, before the mention's own support (a name 1,
# a resolved pronoun 0.95, a description 0.87, "it"/"they" 0.7, an unresolved pronoun 0.5)
# is multiplied in. Calibrated on PolNeAR train (never dev) so that a confidence reads as
# the share of speakers found that way that are right: a speech verb on the quotation's path
# or right after it ~0.95, the subject of a non-speech verb governing it ~0.93, a speech
# verb just before it ~0.87, a speaker carried over from the previous quotation ~0.76.
_CONF_LABEL = 0.9
_CONF_WALK = 0.95
_CONF_NEAR_AFTER = 0.95
_CONF_NEAR_BEFORE = 0.87
_CONF_DASH = 0.9
_CONF_ACCORDING = 0.85
_CONF_COLON = 0.9
_CONF_GOVERNING = 0.92
_CONF_PREVIOUS_SENTENCE = 0.85
_CONF_PREVIOUS_PARAGRAPH = 0.7
_CONF_CONTINUED = 0.98  # times the confidence of the quotation continued
_CONF_ADJACENT = 0.8  # times the confidence of the neighbouring quotation
# Below this, carrying a speaker over is a guess: the quotation keeps speaker None instead.
_MIN_CONFIDENCE = 0.45


def attribute(
    doc: Doc, quotes: list[QuoteSpan], *, headline_spans: list[tuple[int, int]] | None = None
) -> list[QuoteSpan]:
    """Fill speaker, speaker_start/end, speaker_kind, cue and speaker_confidence (in place).

    quotes must be in text order; `headline_spans` are the (start, end) offsets of headline
    segments, whose quotations are attributed to the subject of the headline. A quotation
    that nothing in the text attributes keeps speaker None rather than a guess.
    """
    if not quotes:
        return quotes
    art = _Article(doc, quotes)
    text = docview.text(doc)
    text_paragraph = _paragraph_index(text)
    prev: QuoteSpan | None = None
    for q, (lo, hi) in zip(quotes, art.quote_tokens, strict=True):
        found = _find_speaker(art, q, lo, hi, text, text_paragraph, headline_spans or [])
        if q.continued and prev is not None and prev.speaker and (found is None or found[0].name is None):
            _copy_speaker(q, prev, _CONF_CONTINUED)
        elif found is not None and found[0].name is not None:
            resolved, cue_text, conf = found
            q.speaker = resolved.name
            q.speaker_start, q.speaker_end = resolved.start, resolved.end
            q.speaker_kind = resolved.kind
            q.cue = cue_text
            q.speaker_confidence = round(conf * resolved.support, 2)
            _extend_to_relative(art, q, lo)
        elif (
            prev is not None
            and prev.speaker
            and not q.partial
            and _adjacent(text_paragraph, prev, q)
            and (prev.speaker_confidence or 0) * _CONF_ADJACENT >= _MIN_CONFIDENCE
        ):
            # A quoted sentence with no cue right after a quotation from the same or the
            # previous paragraph is, in news style, the same speaker going on. A few quoted
            # words inside a sentence are not: they are someone's term, or the writer's.
            _copy_speaker(q, prev, _CONF_ADJACENT)
        elif (
            prev is not None
            and prev.speaker
            and q.partial
            and not prev.partial
            and _para_of(text_paragraph, prev.start) == _para_of(text_paragraph, q.start)
            and (prev.speaker_confidence or 0) * _CONF_ADJACENT >= _MIN_CONFIDENCE
        ):
            # '"It is over," said X, a strategist. Unless rivals quit, "he cannot be stopped."':
            # quoted words with no cue of their own, in the paragraph a speaker's quoted
            # sentence opened, go on with that speaker.
            _copy_speaker(q, prev, _CONF_ADJACENT)
        prev = q
    return quotes


def _find_speaker(
    art: _Article,
    q: QuoteSpan,
    lo: int,
    hi: int,
    text: str,
    paragraphs: list[int],
    headline_spans: list[tuple[int, int]],
) -> tuple[_Resolved, str | None, float] | None:
    """(resolved mention, cue text, confidence of the cue) for one quotation, or None."""
    doc = art.doc
    in_quote = art.in_quote
    para_start = paragraphs[_para_of(paragraphs, q.start)]
    label = marks.transcript_label(text, q.start, _line_start(art.line_breaks(), q.start, para_start))
    if label is not None:
        return art.resolve_label(*label), ":", _CONF_LABEL
    if hi <= lo:
        return None
    if any(s <= q.start < e for s, e in headline_spans):
        cue = _headline_subject(doc, lo, hi, in_quote)
        return _resolved_cue(art, cue, _CONF_WALK) if cue is not None else None
    steps = [
        (lambda: _walk_up(art, lo, hi), _CONF_WALK),
        (lambda: _near_after(art, hi), _CONF_NEAR_AFTER),
        (lambda: _near_before(art, lo), _CONF_NEAR_BEFORE),
    ]
    if _framed_after(art, text, q, lo, hi):
        # '"...," said X' / '"...?" X asked': the frame after the marks is the attribution,
        # whatever the parser hung the quoted sentence on.
        steps.insert(0, steps.pop(1))
    elif _introduced_before(art, lo):
        # '..., saying, "The answer is no." But Mr. Trump did not respond.': the frame
        # before the marks is the attribution; a verb after them starts a new sentence.
        steps.insert(1, steps.pop(2))
    for finder, conf in steps:
        cue = finder()
        if cue is not None:
            got = _resolved_cue(art, cue, conf)
            if got is not None:
                return got
    cue = _colon_lead(art, lo)
    if cue is not None:
        got = _resolved_cue(art, cue, _CONF_COLON)
        if got is not None:
            return got
    dash = marks.dash_attribution(text, q.end)
    if dash is not None:
        return art.resolve_span(*dash), "―", _CONF_DASH
    later = (
        (lambda: _sentence_aside(art, lo), _CONF_NEAR_BEFORE),
        (lambda: _according_to(art, lo), _CONF_ACCORDING),
        (lambda: _governing(art, lo, hi), _CONF_GOVERNING),
        (lambda: None if q.partial else _previous_sentence_cue(art, lo), _CONF_COLON),
        (lambda: None if q.partial else _previous_sentence_speaker(art, lo), _CONF_PREVIOUS_SENTENCE),
        (lambda: None if q.partial else _previous_paragraph_person(art, lo), _CONF_PREVIOUS_PARAGRAPH),
    )
    for finder, conf in later:
        cue = finder()
        if cue is not None:
            got = _resolved_cue(art, cue, conf)
            if got is not None:
                return got
    return None


def _resolved_cue(art: _Article, cue: _Cue, conf: float) -> tuple[_Resolved, str | None, float] | None:
    resolved = art.resolve(_speaker_token(cue.subject))
    if resolved is None or resolved.name is None:
        return None
    cue_text = "according to" if cue.verb.lower_ == "according" else cue.verb.text
    return resolved, cue_text, conf


def _framed_after(art: _Article, text: str, q: QuoteSpan, lo: int, hi: int) -> bool:
    """A whole quoted sentence whose cue follows the marks: '"...," said X', '"...?" he asked'.

    A comma before the closing mark always hands over to a cue; a question or exclamation
    mark only when a reporting verb comes within a few words ('"Why now?" Clinton asked',
    not '"Why now?" Her critics cited it ...'). A quotation opened right after a colon was
    introduced before it, so nothing after it frames it.
    """
    doc = art.doc
    inside = text[q.start : q.end].rstrip()
    after = text[q.end : q.end + 4].lstrip("\"”'’ ")
    words = [t for t in doc[hi : min(len(doc), hi + 8)] if not t.is_space and not _is_mark(t.text)][:4]
    if q.partial:
        # 'He said he was ''very comfortable with it,'' The Post reported.': a comma and a
        # reporting verb right after the marks name the source even of a partial quotation.
        return inside[-1:] == "," and any(_is_cue(t) for t in words[:3])
    if _after_colon(art, lo):
        # 'He had an excuse: "I have no time for this," he wrote.': a comma and a reporting
        # verb right after the marks frame the quotation even after a colon.
        return (inside[-1:] == "," or after[:1] == ",") and any(_is_cue(t) for t in words[:3])
    if inside[-1:] == "," or after[:1] == ",":
        return True
    if inside[-1:] not in ("?", "!", "—", "–"):
        return False
    return any(_is_cue(t) for t in words)


def _after_colon(art: _Article, lo: int) -> bool:
    doc = art.doc
    j = art.content_before(lo - 1)
    return j >= 0 and doc[j].text == ":"


def _line_start(breaks: list[int], pos: int, floor: int) -> int:
    """Start of the line holding pos (not before floor); `breaks` are the offsets of every
    line break in the text, so that no quotation searches its paragraph for one."""
    at = bisect_left(breaks, pos) - 1
    return breaks[at] + 1 if at >= 0 and breaks[at] >= floor else floor


def _speaker_token(tok: Token) -> Token:
    """What was said stands for who said it: "Clinton's response was ..." -> Clinton, and
    "He released a letter that says ..." -> He (whoever issued the words said them), and
    "an email sent by Sanders warned ..." -> Sanders."""
    lemma = tok.lemma_.lower()
    if lemma in DOCUMENT_NOUNS or lemma in SPEECH_NOUNS:
        for child in _children(tok):
            if child.dep_ == "acl" and child.tag_ == "VBN":
                for agent in _children(child):
                    if agent.dep_ == "agent":
                        for obj in _children(agent):
                            if obj.dep_ == "pobj" and (obj.ent_type_ == "PERSON" or obj.pos_ == "PRON"):
                                return obj
    if tok.lemma_.lower() in SPEECH_NOUNS:
        for child in _children(tok):
            if child.dep_ == "poss" and child.pos_ in ("PROPN", "PRON", "NOUN"):
                return child
    if tok.lower_ in _RELATIVE and tok.head.dep_ == "relcl":
        noun = tok.head.head
        lemma = noun.lemma_.lower()
        if (lemma in DOCUMENT_NOUNS or lemma in SPEECH_NOUNS) and noun.dep_ == "dobj":
            for child in _children(noun.head):
                if child.dep_ == "nsubj" and (child.pos_ in ("PROPN", "PRON") or child.ent_type_ == "PERSON"):
                    return child
    return tok


def _has_who(tok: Token) -> bool:
    """'One attendee, who ...': a noun a 'who' clause describes is a person."""
    return any(c.dep_ == "relcl" and any(g.lower_ == "who" for g in _children(c)) for c in _children(tok))


def _speaker_like(tok: Token) -> bool:
    """Could this subject be a source: a person, a group, a document, a pronoun for one?"""
    low = tok.lower_
    if low in _RELATIVE and tok.head.dep_ == "relcl":
        return low == "who" or (tok.head.head.i != tok.i and _speaker_like(tok.head.head))
    if tok.pos_ == "PRON":
        return low in _PERSON_PRONOUNS or low in ("they", "i", "we", "it")
    if tok.ent_type_ in _NOT_SPEAKER_ENTS:
        return False
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if tok.pos_ == "PROPN":
        return tok.ent_type_ in ("", "PERSON", "ORG", "NORP", "GPE", "WORK_OF_ART")
    if tok.pos_ != "NOUN":
        return False
    lemma = tok.lemma_.lower()
    if lemma in SPEECH_NOUNS:
        return any(c.dep_ == "poss" for c in _children(tok))
    return (
        lemma in PERSON_NOUNS
        or lemma in ORG_HEADS
        or lemma in _TITLE_NOUNS
        or lemma in DOCUMENT_NOUNS
        or (lemma.endswith(_AGENT_SUFFIXES) and lemma not in _NOT_AGENTS)
    )


def _governing(art: _Article, lo: int, hi: int) -> _Cue | None:
    """The subject of the verb that governs the quoted words, whatever the verb.

    "X blamed the failure on the “fog of war”", "X thinks it should be a “litmus test”",
    "the report found “no evidence ...”": no speech verb, but the subject is who used the
    words. Only subjects that can be a source count (a person, group, document, pronoun), so
    "the plan was a “disaster”" gives nothing rather than "the plan".
    """
    doc, in_quote = art.doc, art.in_quote
    for root in _quote_roots(doc, lo, hi):
        for node in _ancestors_outside(root, lo, hi):
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subj = _subject(node)
            if subj is not None and subj.lower_ in _RELATIVE and node.dep_ == "relcl":
                # "compared Trump to a coach who is “working the referees”": the clause
                # describes the coach; the speaker governs the noun it hangs on.
                continue
            if subj is not None and not in_quote[subj.i] and _speaker_like(_speaker_token(subj)):
                outer = _outer_speaker(node, art)
                return outer if outer is not None else _Cue(node, subj)
    return None


def _outer_speaker(node: Token, art: _Article) -> _Cue | None:
    """'She assured the crowd that they had made “...”': the clause holding the words is
    what the outer subject asserted, so the outer subject used them, not 'they'.

    The answer for every clause passed on the way up is kept, so that the quotations of a
    long chain of clauses ("a said b said c said ...") climb it once between them."""
    in_quote, memo = art.in_quote, art.outer_memo
    passed: list[int] = []
    found: _Cue | None = None
    while node.dep_ == "ccomp" and node.head.pos_ in ("VERB", "AUX"):
        if node.i in memo:
            found = memo[node.i]
            break
        passed.append(node.i)
        node = node.head
        subj = _subject(node)
        if subj is not None and not in_quote[subj.i] and _speaker_like(_speaker_token(subj)):
            found = _Cue(node, subj)
            break
    for i in passed:
        memo[i] = found
    return found


def _extend_to_relative(art: _Article, q: QuoteSpan, lo: int) -> None:
    """'said Jo Ruiz, an aide, who thinks the plan "needs work"': the quotation is inside the
    relative clause the speaker's name opens, so the mention runs on to the pronoun the
    clause uses, as for a relative pronoun that is itself the subject of the cue."""
    if q.speaker_end is None or q.speaker_kind is None:
        return
    doc = art.doc
    sent = _sent(doc, lo)
    span = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
    if span is None or span.end > lo or span.start < sent.start:
        return
    for j in range(span.end, min(lo, span.end + 12)):
        t = doc[j]
        if art.in_quote[j] or t.text in (".", ";", "!", "?"):
            return
        noun = t.head.head
        if noun.dep_ == "appos":  # "said Jo Ruiz, an aide who ..."
            noun = noun.head
        if (
            t.lower_ in ("who", "which", "that")
            and t.dep_ in ("nsubj", "nsubjpass")
            and t.head.dep_ == "relcl"
            and span.start <= noun.i < span.end
            and t.head.right_edge.i >= lo
        ):
            q.speaker_end = t.idx + len(t)
            return


def _copy_speaker(q: QuoteSpan, prev: QuoteSpan, factor: float) -> None:
    q.speaker, q.speaker_kind, q.cue = prev.speaker, prev.speaker_kind, prev.cue
    q.speaker_start, q.speaker_end = prev.speaker_start, prev.speaker_end
    q.speaker_confidence = round((prev.speaker_confidence or 0.5) * factor, 2)


def _paragraph_index(text: str) -> list[int]:
    """Start offsets of paragraphs (as segment.py splits them), for adjacency tests."""
    starts = [0]
    prev_line = ""
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            if prev_line and pos > 0 and not continues_line(prev_line, line):
                starts.append(pos)
            prev_line = line
        else:
            prev_line = ""
            if pos + len(line) + 1 < len(text):
                starts.append(pos + len(line) + 1)
        pos += len(line) + 1
    return sorted(set(starts))


def _para_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid
    return lo


def _adjacent(starts: list[int], a: QuoteSpan, b: QuoteSpan) -> bool:
    return _para_of(starts, b.start) - _para_of(starts, a.start) <= 1
