"""A synthetic knowledge base: valid trees in the style of decision_trees/, at any size.

    .venv/bin/python -m bench.generate --trees 200 /tmp/kb/decision_trees

Every tree is clean under `fastpath check`: all node kinds, basic checks with expert
answers, a few links to other trees, about 20 nodes and exactly 5 error codes, each code
unique in the knowledge base in one of the forms people meet (0xA7F3, DCM-0042, 1042).
The same seed gives the same trees (review dates count back from today).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench.vocabulary import (
    ADJECTIVES,
    ANSWER_PAIRS,
    CODE_MESSAGES,
    CODE_SOURCES,
    EXTRA_ANSWERS,
    MENUS,
    NOUNS,
    PLACES,
    PROBLEMS,
    SYMPTOMS,
    SYSTEMS,
    THINGS,
    VERBS,
    System,
)

CODES_PER_TREE = 5
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../docs/schema/tree.schema.json"
MAX_ANSWERS = 3


@dataclass(frozen=True, slots=True)
class GeneratedCode:
    """A code as written in a tree, where it leads, and ways a user would type it."""

    code: str
    tree: str
    node: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GeneratedKB:
    """What was written: the trees folder, the files, every code, and searchable phrases."""

    trees_dir: Path
    files: list[Path]
    codes: list[GeneratedCode]
    phrases: list[str]
    nodes: int
    systems: int


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class CodeMaker:
    """Hands out codes that stay unique after normalisation, in three realistic forms."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_hex = 0xA000
        self.next_decimal = 1000
        self.next_prefixed: dict[str, int] = {}

    def make(self, system: System) -> tuple[str, tuple[str, ...]]:
        """A new code and the forms a user may type it in."""
        form = self.rng.random()
        if form < 0.4:
            value = self.next_hex
            self.next_hex += self.rng.randint(1, 2)
            digits = f"{value:04X}"
            code = f"0x{digits}"
            typed = [digits, digits.lower(), f"0X{digits}", f"0x0000{digits}"]
            if any(c.isdigit() for c in digits):  # `ACFFh` is read as a word, by design
                typed.append(f"{digits}h")
            return code, (code, *typed)
        if form < 0.75:
            number = self.next_prefixed.get(system.prefix, 1)
            self.next_prefixed[system.prefix] = number + self.rng.randint(1, 3)
            code = f"{system.prefix}-{number:04d}"
            lower = system.prefix.lower()
            return code, (code, f"{lower}{number:04d}", f"{system.prefix} {number:04d}")
        value = self.next_decimal
        self.next_decimal += self.rng.randint(1, 3)
        return str(value), (str(value),)


@dataclass(slots=True)
class _Node:
    id: str
    kind: str  # ask / do / resolved / escalate
    text: str
    title: str = ""
    basic: bool = False
    answers: list[tuple[str, str, bool]] = field(default_factory=list)  # label, next, expert
    next: str = ""
    support: str = ""
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # code, message, source
    contact: str = ""
    include: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        return [a[1] for a in self.answers] if self.kind == "ask" else [self.next]


class _Text:
    """Sentences in the voice of the real trees, from the vocabulary."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, words: tuple[str, ...]) -> str:
        return self.rng.choice(words)

    def instruction(self) -> str:
        r = self.pick
        options = (
            f"{r(VERBS).capitalize()} the {r(ADJECTIVES)} {r(NOUNS)} {r(PLACES)}.",
            f"Open *{r(MENUS)}* and {r(VERBS)} the {r(NOUNS)}.",
            f"If the {r(NOUNS)} is {r(ADJECTIVES)}, {r(VERBS)} the **{r(NOUNS)}** first.",
            f"Write down the {r(NOUNS)} and the time it happened, then {r(VERBS)} the {r(NOUNS)}.",
            f"With `{r(VERBS).split()[0]}-{slug(r(NOUNS))} --verbose` you can {r(VERBS)} "
            f"the {r(NOUNS)} {r(PLACES)}.",
        )
        return r(options)

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.instruction() for _ in range(sentences))

    def block(self) -> str:
        paragraphs = [self.paragraph(self.rng.randint(2, 4))]
        if self.rng.random() < 0.3:
            paragraphs.append(self.paragraph(self.rng.randint(1, 3)))
        if self.rng.random() < 0.2:
            paragraphs.append("\n".join(f"- {self.instruction()}" for _ in range(3)))
        return "\n\n".join(paragraphs)

    def question(self) -> str:
        r = self.pick
        ask = f"Does the {r(ADJECTIVES)} {r(NOUNS)} {r(PLACES)} work after you {r(VERBS)} it?"
        if self.rng.random() < 0.6:
            return f"{self.paragraph(self.rng.randint(1, 2))} {ask}"
        return ask

    def title(self) -> str:
        r = self.pick
        return f"{r(VERBS).capitalize()} the {r(NOUNS)}"

    def symptom(self, thing: str, problem: str) -> str:
        r = self.pick
        text = r(SYMPTOMS).format(
            thing=thing, problem=problem, noun=r(NOUNS), adjective=r(ADJECTIVES)
        )
        return text[0].upper() + text[1:]


class TreeMaker:
    """Writes one tree at a time: the shape, the text, the codes, then the YAML."""

    def __init__(self, rng: random.Random, codes: CodeMaker, today: date) -> None:
        self.rng = rng
        self.codes = codes
        self.text = _Text(rng)
        self.today = today

    def _ids(self) -> Iterator[str]:
        used: set[str] = set()
        while True:
            base = slug(f"{self.rng.choice(VERBS)} {self.rng.choice(NOUNS)}")
            candidate, n = base, 2
            while candidate in used:
                candidate, n = f"{base}-{n}", n + 1
            used.add(candidate)
            yield candidate

    def _shape(self) -> tuple[list[_Node], list[_Node], list[_Node]]:
        """Basic checks, body and ends: an acyclic graph in which every node is reachable."""
        ids = self._ids()
        text = self.text
        total = self.rng.randint(18, 22)
        basics = [
            _Node(next(ids), "ask" if self.rng.random() < 0.7 else "do", "", basic=True)
            for _ in range(self.rng.choice((1, 2, 2, 3)))
        ]
        fixes = [_Node(next(ids), "resolved", text.paragraph(1)) for b in basics if b.kind == "ask"]
        ends = [_Node(next(ids), "resolved", text.paragraph(2)) for _ in range(3)]
        ends += [_Node(next(ids), "escalate", "") for _ in range(self.rng.randint(1, 2))]
        body_size = max(5, total - len(basics) - len(fixes) - len(ends))
        kinds = ["ask"] * 3 + [
            "ask" if self.rng.random() < 0.5 else "do" for _ in range(body_size - 3)
        ]
        self.rng.shuffle(kinds)
        kinds.insert(0, kinds.pop(kinds.index("ask")))  # the expert lands on a question
        body = [_Node(next(ids), kind, "") for kind in kinds]

        chain = [*basics, body[0]]
        fix_iter = iter(fixes)
        for node, after in zip(basics, chain[1:], strict=True):
            if node.kind == "ask":
                fixed = next(fix_iter)
                node.answers = [
                    ("Yes, done, and the problem is still there", after.id, True),
                    ("No; doing it fixed the problem", fixed.id, False),
                ]
            else:
                node.next = after.id

        self._link(body, ends)
        return basics, body, [*fixes, *ends]

    def _link(self, body: list[_Node], ends: list[_Node]) -> None:
        """Give every node after the first a parent before it, then fill the answers up."""

        def open_slots(node: _Node) -> int:
            if node.kind == "ask":
                return MAX_ANSWERS - len(node.answers)
            return 0 if node.next else 1

        def link(parent: _Node, child: _Node) -> None:
            if parent.kind == "ask":
                parent.answers.append(("", child.id, False))
            else:
                parent.next = child.id

        for position, child in enumerate([*body[1:], *ends], start=1):
            parents = [n for n in body[:position] if open_slots(n) > 0]
            link(self.rng.choice(parents), child)
        for position, node in enumerate(body):
            after_it = [*body[position + 1 :], *ends]
            if node.kind == "do":
                if not node.next:
                    link(node, self.rng.choice(after_it))
                continue
            wanted = 3 if self.rng.random() < 0.35 else 2
            while len(node.answers) < wanted:
                taken = set(node.targets)
                link(node, self.rng.choice([n for n in after_it if n.id not in taken]))

    def _fill_text(self, nodes: list[_Node], system: System) -> None:
        text = self.text
        for node in nodes:
            if node.kind == "ask":
                node.text = node.text or text.question()
                pair = self.rng.choice(ANSWER_PAIRS)
                labels = [*pair, *EXTRA_ANSWERS]
                node.answers = [
                    (label or labels[i], target, expert)
                    for i, (label, target, expert) in enumerate(node.answers)
                ]
            elif node.kind == "do":
                node.text = text.block()
            elif node.kind == "escalate":
                node.text = f"{system.name} administrators"
                node.contact = slug(system.team)
                node.include = [
                    "accession number",
                    "error code and its full message",
                    f"the {self.rng.choice(NOUNS)} and when it happened",
                ]
            if node.kind != "escalate" and self.rng.random() < 0.75:
                node.title = text.title()
            if self.rng.random() < 0.3:
                node.support = text.paragraph(self.rng.randint(1, 2))

    def tree(
        self, tree_id: str, title: str, system: System, others: list[str]
    ) -> tuple[str, list[GeneratedCode], list[str], int]:
        """The YAML of one tree, its codes, its searchable phrases and its node count."""
        rng = self.rng
        thing, problem = rng.choice(THINGS), rng.choice(PROBLEMS)
        basics, body, ends = self._shape()
        nodes = [*basics, *body, *ends]
        self._fill_text(nodes, system)
        if others and rng.random() < 0.1:
            asking = [n for n in body if n.kind == "ask"]
            rng.choice(asking).answers.append(
                ("It is a different problem", f"tree:{rng.choice(others)}", False)
            )
        start = nodes[0].id
        codes: list[GeneratedCode] = []
        tree_codes: list[tuple[str, str, str]] = []
        on_tree = rng.choice((1, 2, 2, 3))
        for i in range(CODES_PER_TREE):
            code, variants = self.codes.make(system)
            entry = (code, rng.choice(CODE_MESSAGES), rng.choice(CODE_SOURCES))
            if i < on_tree:
                tree_codes.append(entry)
                codes.append(GeneratedCode(code, tree_id, start, variants))
            else:
                node = rng.choice([*body, *ends])
                node.codes.append(entry)
                codes.append(GeneratedCode(code, tree_id, node.id, variants))
        symptoms = list(
            dict.fromkeys(self.text.symptom(thing, problem) for _ in range(rng.randint(3, 5)))
        )
        lines = [
            SCHEMA_COMMENT,
            f"id: {tree_id}",
            f"title: {_q(title)}",
            f"system: {_q(system.name)}",
            "summary: |",
            *_block(self.text.paragraph(2), 2),
            "symptoms:",
            *(f"  - {_q(s)}" for s in symptoms),
            "codes:",
            *_code_lines(tree_codes, 2),
            f"owner: {_q(system.team)}",
            f"reviewed: {self.today - timedelta(days=rng.randint(0, 200))}",
            f"start: {start}",
            "nodes:",
        ]
        for node in nodes:
            lines.extend(_node_lines(node))
        return "\n".join(lines) + "\n", codes, [title, *symptoms], len(nodes)


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int) -> list[str]:
    """Markdown as a wrapped block scalar; menu paths (`A > B`) never break at the `>`."""
    pad = " " * indent
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("")
        for line in paragraph.splitlines():
            hanging = "  " if line.startswith("- ") else ""
            wrapped = textwrap.wrap(
                line.replace(" > ", "\0>\0"), 92 - indent, subsequent_indent=hanging
            )
            lines.extend(pad + w.replace("\0", " ") for w in wrapped)
    return lines


def _code_lines(codes: list[tuple[str, str, str]], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for code, message, source in codes:
        lines.append(f"{pad}- code: {_q(code)}")
        lines.append(f"{pad}  message: {_q(message)}")
        if source:
            lines.append(f"{pad}  source: {_q(source)}")
    return lines


def _node_lines(node: _Node) -> list[str]:
    lines = [f"  {node.id}:"]
    if node.title:
        lines.append(f"    title: {_q(node.title)}")
    if node.basic:
        lines.append("    basic: true")
    if node.kind == "escalate":
        lines.append(f"    escalate: {_q(node.text)}")
        lines.append(f"    contact: {_q(node.contact)}")
        lines.append("    include:")
        lines.extend(f"      - {_q(item)}" for item in node.include)
    else:
        lines.append(f"    {node.kind}: |")
        lines.extend(_block(node.text, 6))
    if node.kind == "ask":
        lines.append("    answers:")
        for label, target, expert in node.answers:
            lines.append(f"      - label: {_q(label)}")
            lines.append(f"        next: {target}")
            if expert:
                lines.append("        expert: true")
    elif node.kind == "do":
        lines.append(f"    next: {node.next}")
    if node.codes:
        lines.append("    codes:")
        lines.extend(_code_lines(node.codes, 6))
    if node.support:
        lines.append("    support: |")
        lines.extend(_block(node.support, 6))
    return lines


def generate_kb(
    trees_dir: Path, n_trees: int, seed: int = 2026, today: date | None = None
) -> GeneratedKB:
    """Write n_trees trees under trees_dir/<system>/<id>.yaml, spread over the systems."""
    rng = random.Random(seed)
    maker = TreeMaker(rng, CodeMaker(rng), today or date.today())
    ids: list[tuple[str, str, System]] = []
    for i in range(n_trees):
        system = SYSTEMS[i % len(SYSTEMS)]
        thing, problem = rng.choice(THINGS), rng.choice(PROBLEMS)
        words = slug(f"{thing} {problem}").removeprefix("the-")
        title = f"{thing[0].upper()}{thing[1:]}: {problem}"
        ids.append((f"{slug(system.prefix)}-{words}-{i:05d}", title, system))
    all_ids = [tree_id for tree_id, _, _ in ids]
    files: list[Path] = []
    codes: list[GeneratedCode] = []
    phrases: list[str] = []
    nodes = 0
    for tree_id, title, system in ids:
        others = [other for other in rng.sample(all_ids, min(3, len(all_ids))) if other != tree_id]
        text, tree_codes, tree_phrases, count = maker.tree(tree_id, title, system, others)
        path = trees_dir / slug(system.name) / f"{tree_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files.append(path)
        codes.extend(tree_codes)
        phrases.extend(tree_phrases)
        nodes += count
    write_contacts(trees_dir, [system for _, _, system in ids])
    return GeneratedKB(trees_dir, files, codes, phrases, nodes, len({s.name for _, _, s in ids}))


def write_contacts(trees_dir: Path, systems: list[System]) -> None:
    """contacts.yaml for the teams the trees hand over to (every tree has an escalation)."""
    teams = sorted({system.team for system in systems})
    lines = ["teams:"]
    for number, team in enumerate(teams, start=5000):
        lines += [
            f"  {slug(team)}:",
            f"    name: {_q(team)}",
            f'    phone: "ext. {number}"',
            '    hours: "24/7"',
        ]
    trees_dir.mkdir(parents=True, exist_ok=True)
    (trees_dir / "contacts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="trees folder to write (like decision_trees/)")
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    kb = generate_kb(args.out, args.trees, args.seed)
    print(
        f"{len(kb.files)} trees, {kb.nodes} nodes, {len(kb.codes)} codes, "
        f"{kb.systems} systems in {args.out}"
    )


if __name__ == "__main__":
    main()
