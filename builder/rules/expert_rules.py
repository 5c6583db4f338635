"""Basic checks carry exactly one expert answer, and the expert path ends."""

from __future__ import annotations

from collections.abc import Iterator

from builder.expert import expert_path
from builder.model import Kind, Tree
from builder.problems import Level, Problem, Rule, error, warning
from builder.rules import CheckContext

EXPERT_ANSWER = Rule(
    "expert-answer",
    Level.ERROR,
    "a basic question without exactly one expert answer (a warning on a non-basic question)",
)
EXPERT_LOOP = Rule(
    "expert-loop",
    Level.ERROR,
    "the expert path goes round in circles",
)
RULES = (
    EXPERT_ANSWER,
    EXPERT_LOOP,
)


def check_expert_answers(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    for node in tree.sound_nodes():
        if node.kind is not Kind.QUESTION:
            continue
        marked = [a for a in node.answers if a.expert]
        if node.basic and len(marked) != 1:
            count = "none" if not marked else f"{len(marked)}"
            yield error(
                node.pos,
                f'basic question "{node.id}" needs exactly one answer with '
                f"expert: true (the answer an expert has already confirmed); "
                f"found {count}",
                EXPERT_ANSWER,
            )
        elif not node.basic and marked:
            yield warning(
                marked[0].pos,
                f'"expert: true" on question "{node.id}", which is '
                "not basic: it has no effect (add basic: true or remove it)",
                EXPERT_ANSWER,
            )


def check_expert_loop(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    path = expert_path(tree)
    if path.loops and tree.start_pos is not None:
        steps = " -> ".join([s.node_id for s in path.skipped] + [path.landing])
        yield error(
            tree.start_pos,
            f"the expert path loops through basic checks ({steps}) "
            "and never reaches a non-basic step",
            EXPERT_LOOP,
        )
