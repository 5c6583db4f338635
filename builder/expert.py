"""The expert path: which basic checks a savvy user may skip, and where they land."""

from __future__ import annotations

from dataclasses import dataclass

from builder.model import Answer, Kind, Tree


@dataclass(frozen=True, slots=True)
class SkippedCheck:
    """A basic check skipped on the expert path, and the answer assumed for it."""

    node_id: str
    assumed: str  # the answer label, or "" for a basic step (done)


@dataclass(frozen=True, slots=True)
class ExpertPath:
    skipped: tuple[SkippedCheck, ...]
    landing: str  # the first non-basic node
    loops: bool = False


def expert_answer(answers: list[Answer]) -> Answer | None:
    """The single answer marked expert, or None if there is not exactly one."""
    marked = [a for a in answers if a.expert]
    return marked[0] if len(marked) == 1 else None


def expert_path(tree: Tree) -> ExpertPath:
    """Follow expert answers from start while the node is basic; report where it lands."""
    skipped: list[SkippedCheck] = []
    seen: set[str] = set()
    current = tree.start
    while current in tree.nodes and tree.nodes[current].basic:
        if current in seen:
            return ExpertPath(tuple(skipped), current, loops=True)
        seen.add(current)
        node = tree.nodes[current]
        if node.kind is Kind.QUESTION:
            answer = expert_answer(node.answers)
            if answer is None:
                break
            skipped.append(SkippedCheck(current, answer.label))
            current = answer.next
        elif node.kind is Kind.STEP:
            skipped.append(SkippedCheck(current, ""))
            current = node.next
        else:
            break
    return ExpertPath(tuple(skipped), current)
