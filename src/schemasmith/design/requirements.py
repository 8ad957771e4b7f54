"""Read a requirements document (Markdown) into what a designer works from.

A requirements document is plain Markdown: a title, a first paragraph saying what the product is,
bullets and paragraphs of facts, user stories ("As a …, I want …") and often a Scale section.
`parse_requirements` keeps every sentence with its line and section heading, so each decision a
designer makes can quote where it came from, and each sentence it cannot read can be named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Section headings whose sentences describe volume rather than structure.
_SCALE_HEADING = re.compile(r"\b(scale|volumes?|growth|load|sizing|size|numbers)\b", re.IGNORECASE)
#: Outside a Scale section, a sentence that counts things over time or per thing is scale too.
_SCALE_SENTENCE = re.compile(
    r"\b(about|around|roughly|approximately|some|up to|over|more than)\s+\d[\d,]*\s+\w+"
    r"|\b\d[\d,]*\s+\w+(\s+\w+)?\s+(a|per|each|every)\s+(day|week|month|year)\b"
    r"|\bin the first year\b",
    re.IGNORECASE,
)
_STORY = re.compile(
    r"^as\s+(?:an?|the)?\s*(?P<role>[^,]+?),\s*I\s+(?:want|need|would like|can)\s+(?:to\s+)?(?P<want>.+?)"
    r"(?:,?\s+so\s+that\s+(?P<benefit>.+?))?[.!]?$",
    re.IGNORECASE | re.DOTALL,
)
_HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "no.", "cf.")


@dataclass
class Statement:
    """One sentence of the requirements, where it was written and under which heading."""

    text: str
    line: int
    section: str | None = None
    block: int = 0  # sentences of one bullet or paragraph share a block number
    kind: str = "bullet"  # bullet | paragraph


@dataclass
class Story:
    """A user story: "As a {role}, I want {want}"."""

    role: str
    want: str
    text: str
    line: int
    section: str | None = None
    benefit: str | None = None


@dataclass
class Requirements:
    """A requirements document, read: the facts a designer turns into a design."""

    title: str
    description: str
    statements: list[Statement] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    scale: list[Statement] = field(default_factory=list)
    file: str | None = None

    @property
    def product(self) -> str:
        """The product's name: the title without a trailing "— requirements" and the like."""
        title = re.split(r"\s+[—–-]\s+|:\s+", self.title, maxsplit=1)[0].strip()
        return title or self.title

    def where(self, line: int) -> str:
        """`file:line`, or `line N` for text without a file."""
        return f"{self.file}:{line}" if self.file else f"line {line}"


def read_requirements(path: str | Path) -> Requirements:
    """`parse_requirements` of a file, named by its path in every reference."""
    path = Path(path)
    return parse_requirements(path.read_text(encoding="utf-8"), file=str(path))


def parse_requirements(text: str, file: str | None = None) -> Requirements:
    """Split Markdown requirements into title, description, statements, stories and scale."""
    blocks = _blocks(text)
    title = ""
    description = ""
    statements: list[Statement] = []
    stories: list[Story] = []
    scale: list[Statement] = []
    seen_content = False
    for number, block in enumerate(blocks):
        if block.kind == "heading":
            if block.level == 1 and not title:
                title = block.text
            continue
        if block.kind == "paragraph" and not description and not seen_content and block.section is None:
            description = block.text
            seen_content = True
            continue
        seen_content = True
        in_scale_section = bool(block.section and _SCALE_HEADING.search(block.section))
        for sentence, line in _sentences(block.text, block.lines):
            story = _STORY.match(sentence)
            if story:
                stories.append(
                    Story(
                        role=story["role"].strip(),
                        want=" ".join(story["want"].split()),
                        text=sentence,
                        line=line,
                        section=block.section,
                        benefit=story["benefit"].strip() if story["benefit"] else None,
                    )
                )
                continue
            statement = Statement(sentence, line, block.section, number, block.kind)
            if in_scale_section or _SCALE_SENTENCE.search(sentence):
                scale.append(statement)
            else:
                statements.append(statement)
    if not title:
        title = Path(file).stem.replace("-", " ").replace("_", " ").title() if file else "requirements"
    return Requirements(title, description, statements, stories, scale, file)


@dataclass
class _Block:
    kind: str  # heading | bullet | paragraph
    text: str
    lines: list[tuple[int, int]]  # (offset in text, line number) where each source line starts
    section: str | None
    level: int = 0


def _blocks(text: str) -> list[_Block]:
    """Headings, bullets (with their continuation lines) and paragraphs, in order."""
    blocks: list[_Block] = []
    section: str | None = None
    current: _Block | None = None
    in_fence = False

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.append(current)
            current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        if _FENCE.match(raw):
            close()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = raw.rstrip()
        if not line.strip():
            close()
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            # The title (level 1) is not a section: sentences under it belong to none.
            section = heading["text"] if len(heading["marks"]) > 1 else None
            blocks.append(_Block("heading", heading["text"], [(0, number)], section, len(heading["marks"])))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            close()
            content = bullet["text"].strip()
            current = _Block("bullet", content, [(0, number)], section)
            continue
        content = line.strip()
        if current is None:
            current = _Block("paragraph", content, [(0, number)], section)
        else:  # a continuation line of a bullet or paragraph
            current.lines.append((len(current.text) + 1, number))
            current.text = current.text + " " + content
    close()
    return blocks


def _line_at(lines: list[tuple[int, int]], offset: int) -> int:
    found = lines[0][1]
    for start, number in lines:
        if start <= offset:
            found = number
    return found


def _sentences(text: str, lines: list[tuple[int, int]]) -> list[tuple[str, int]]:
    """Sentences of one block with the line each starts on."""
    result = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])[\"”')]?\s+(?=[A-Z\"“(])", text):
        end = match.start()
        candidate = text[start:end + 1] if text[end:end + 1] in "\"”')" else text[start:end]
        if any(candidate.lower().endswith(abbreviation) for abbreviation in _ABBREVIATIONS):
            continue
        _add(result, text, start, match.end(), lines)
        start = match.end()
    _add(result, text, start, len(text), lines)
    return result


def _add(result: list, text: str, start: int, end: int, lines) -> None:
    sentence = text[start:end].strip()
    if sentence:
        offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        result.append((sentence, _line_at(lines, offset)))
