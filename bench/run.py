"""Fastpath's benchmark: build, search, API and preview on a synthetic knowledge base.

    .venv/bin/python bench/run.py                 # 2,000 trees (and 200): the full run
    .venv/bin/python bench/run.py --quick         # 200 trees, fewer queries: a smoke run
    .venv/bin/python bench/run.py --trees 5000 --also 500 2000 --keep /tmp/fp-bench

Prints Markdown tables on stdout (progress goes to stderr). Every measured step runs in a
child process of its own, so that its time and peak memory are its own; see
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import CODE_SHARE, ApiResult, query_files, run_api_benchmark
from bench.feedback_bench import FeedbackResult, feedback_table, run_feedback_benchmark
from bench.generate import GeneratedKB, generate_kb
from bench.measure import Measured, run_task
from bench.phone import PhoneResult, run_phone_benchmark
from bench.preview import PreviewResult, run_preview_benchmark
from bench.queries import TYPO_SHARE, make_queries
from bench.report import (
    BuildRun,
    api_table,
    build_table,
    load_average,
    machine,
    phone_intro,
    phone_table,
    preview_table,
    search_table,
    table,
    targets,
    targets_table,
    was_busy,
    workers_table,
)
from bench.sites import fastpath_project, plain_project

STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Settings:
    size: int
    also: list[int]
    seed: int
    code_queries: int
    word_queries: int
    http_requests: int
    http_seconds: float
    edits: int
    browser: bool
    report_events: int


@dataclass(slots=True)
class Results:
    builds: dict[int, BuildRun]
    search: Measured
    api: ApiResult
    preview: PreviewResult
    feedback: FeedbackResult
    load_before: str
    phone: PhoneResult | None = None
    load_after: str = ""


def measure_builds(work: Path, size: int, seed: int) -> tuple[BuildRun, GeneratedKB, Path]:
    """Generate a knowledge base of `size` trees and time every build step on it."""
    project = work / f"kb-{size}"
    progress(f"{size} trees: generating")
    kb = generate_kb(project / "decision_trees", size, seed)
    config = fastpath_project(project)
    plain_config = plain_project(work / f"plain-{size}", kb.trees_dir)
    trees = kb.trees_dir
    steps: dict[str, Measured] = {}
    for key, task, args, cwd in (
        ("yaml", "yaml-floor", (trees,), None),
        ("check", "check", (trees,), project),
        ("compile", "compile", (trees,), project),
        ("index", "index", (trees, work / f"index-only-{size}"), project),
        ("build", "fastpath-build", (config, project / "site", project / "index"), project),
        (
            "rebuild",
            "fastpath-rebuild",
            (config, project / "site", project / "index", kb.files[len(kb.files) // 3]),
            project,
        ),
        ("plain", "plain-mkdocs", (plain_config, work / f"plain-{size}" / "site"), None),
    ):
        progress(f"{size} trees: {task}")
        steps[key] = run_task(task, *args, cwd=cwd)
    check = steps["check"].data
    if check["errors"] or check["warnings"]:
        raise SystemExit(f"generated trees are not clean: {check}")
    yaml_mb = sum(f.stat().st_size for f in kb.files) / 1e6
    return BuildRun(size, kb.nodes, len(kb.codes), kb.systems, yaml_mb, steps), kb, project


def run(work: Path, settings: Settings) -> Results:
    load_before = load_average()
    builds: dict[int, BuildRun] = {}
    for n in sorted({*settings.also, settings.size}):
        builds[n], kb_n, project_n = measure_builds(work, n, settings.seed)
        if n == settings.size:
            kb, project = kb_n, project_n

    progress(f"search in process: {settings.code_queries} codes, {settings.word_queries} words")
    queries = make_queries(kb, settings.code_queries, settings.word_queries)
    queries_file = work / "queries.json"
    queries_file.write_text(json.dumps(queries), encoding="utf-8")
    search = run_task("search", project / "index", kb.trees_dir, queries_file, work, cwd=project)

    progress(f"API: up to {settings.http_requests} requests or {settings.http_seconds} s a row")
    api = run_api_benchmark(
        project / "site",
        project / "index",
        queries,
        work,
        settings.http_requests,
        settings.http_seconds,
    )

    feedback = run_feedback_benchmark(
        project / "site",
        project / "index",
        kb.trees_dir,
        query_files(queries, work)["mixed"],
        work,
        settings.http_seconds,
        settings.report_events,
        progress,
    )

    phone = None
    if settings.browser:
        progress("phone profile: throttled Chromium, first and repeat visits")
        phone = run_phone_benchmark(project / "site", project / "index", work)

    progress(f"preview: {settings.edits} edits" + (", then in Chromium" * settings.browser))
    preview = run_preview_benchmark(
        project,
        project / "mkdocs.yml",
        kb.files[len(kb.files) // 2],
        settings.edits,
        settings.browser,
        work / "preview.log",
    )
    progress("done")
    return Results(builds, search, api, preview, feedback, load_before, phone, load_average())


def render(settings: Settings, results: Results) -> str:
    """The whole report as Markdown."""
    api, search = results.api, results.search
    found = targets(results.builds, settings.size, search, api, results.preview, results.phone)
    parts = ["## Machine", "", table(["", ""], [list(row) for row in machine()]), ""]
    busy = was_busy(results.load_before)
    parts += [
        f"Load average before the run: {results.load_before}; after: {results.load_after}."
        + (" The machine was busy with other work: expect slower numbers." if busy else ""),
        "",
        "## Targets",
        "",
        targets_table(found),
        "",
        "## Build",
        "",
        "work = the step itself, timed inside its process (imports excluded); process = "
        "launch to exit of a fresh interpreter, what a user waits for; CPU = user + system "
        "time of that process; peak RSS = its ru_maxrss. Ratios to plain MkDocs compare "
        "process times.",
        "",
    ]
    for n in sorted(results.builds):
        parts += [build_table(results.builds[n]), ""]
    parts += [
        "## Search in process",
        "",
        f"{settings.size} trees; {settings.code_queries:,} code queries in the forms users "
        f"type them, {settings.word_queries:,} word queries of 1-3 words "
        f"({TYPO_SHARE:.0%} with a typo); the first 100 of each untimed (warm-up). "
        f"Peak RSS of that process: {search.peak_mb:.0f} MB.",
        "",
        search_table(search),
        "",
        "## JSON API over HTTP",
        "",
        f"`fastpath serve --workers 1` (one process; waitress, {api.server_threads} threads, "
        "the default) on loopback; "
        f"a load generator in its own process with keep-alive connections, up to "
        f"{settings.http_requests:,} requests or {settings.http_seconds:.0f} s per row. "
        f"Mixed = {CODE_SHARE:.0%} codes, {1 - CODE_SHARE:.0%} words. Server and generator "
        f"share the machine's cores; their CPU is in % of one core (the server's Python runs "
        f"under one GIL). Server peak memory (VmHWM): {api.server_peak_mb:.0f} MB.",
        "",
        api_table(api),
        "",
        "### Worker processes",
        "",
        "`fastpath serve --workers N` (N processes sharing the port, each with 4 threads), "
        "no answer cache, the mixed load from 32 keep-alive clients. Server CPU sums all its "
        "processes; total PSS sums their proportional memory at the end of the row (pages "
        "the workers share after fork counted once), total VmHWM sums their peaks (shared "
        "pages counted in every process).",
        "",
        workers_table(api),
        "",
        "## Feedback",
        "",
        f"`fastpath serve` with recording on (`--events-rate 0`: no per-address limit, as "
        f"behind a proxy), {settings.size} trees. Event clients post what pages post: the "
        f"events of one synthetic visit a request (about ten). Search p99 alone and while "
        f"events are written come from the same server, minutes apart. The database size "
        f"and the report use synthetic visits of the same trees spread over 90 days "
        f"(`bench/feedback_events.py`); the report time is `fastpath report` from launch to "
        f"exit, reading the trees included.",
        "",
        feedback_table(results.feedback),
        "",
        *(
            [
                "## Phone profile",
                "",
                phone_intro(),
                "",
                phone_table(results.phone),
                "",
            ]
            if results.phone
            else []
        ),
        "## Author preview",
        "",
        f"`fastpath preview` of one tree of {settings.size}.",
        "",
        preview_table(results.preview),
        "",
    ]
    return "\n".join(parts)


def raw(results: Results) -> dict[str, object]:
    """Everything measured, for --json."""
    return {
        "builds": {
            n: {k: dataclasses.asdict(m) for k, m in b.steps.items()}
            for n, b in results.builds.items()
        },
        "search": dataclasses.asdict(results.search),
        "api": [[dataclasses.asdict(level), r] for level, r in results.api.loads],
        "server_peak_mb": results.api.server_peak_mb,
        "workers": [dataclasses.asdict(run) for run in results.api.workers],
        "preview": dataclasses.asdict(results.preview),
        "feedback": dataclasses.asdict(results.feedback),
        "phone": dataclasses.asdict(results.phone) if results.phone else None,
        "load_average": [results.load_before, results.load_after],
    }


def parse_settings(argv: list[str] | None) -> tuple[Settings, Path | None, Path | None]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, help="main size (default 2000; --quick 200)")
    parser.add_argument("--also", type=int, nargs="*", help="more sizes to build (default 200)")
    parser.add_argument("--quick", action="store_true", help="200 trees, fewer queries")
    parser.add_argument("--code-queries", type=int)
    parser.add_argument("--word-queries", type=int)
    parser.add_argument("--http-requests", type=int, help="per load level")
    parser.add_argument("--http-seconds", type=float, help="per load level")
    parser.add_argument("--edits", type=int, help="preview edits to time")
    parser.add_argument("--no-browser", action="store_true", help="skip headless Chromium")
    parser.add_argument("--report-events", type=int, help="events the report reads (1,000,000)")
    parser.add_argument("--browser", action="store_true", help="with --quick: Chromium too")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    quick = args.quick
    settings = Settings(
        size=args.trees or (200 if quick else 2000),
        also=args.also if args.also is not None else ([] if quick else [200]),
        seed=args.seed,
        code_queries=args.code_queries or (2_000 if quick else 10_000),
        word_queries=args.word_queries or (200 if quick else 1_000),
        http_requests=args.http_requests or (2_000 if quick else 20_000),
        http_seconds=args.http_seconds or (5.0 if quick else 15.0),
        edits=args.edits or (3 if quick else 5),
        browser=not args.no_browser and (not quick or args.browser),
        report_events=args.report_events or (100_000 if quick else 1_000_000),
    )
    return settings, args.keep, args.json


def main(argv: list[str] | None = None) -> None:
    settings, keep, json_out = parse_settings(argv)
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        results = run(keep, settings)
    else:
        with tempfile.TemporaryDirectory(prefix="fastpath-bench-") as tmp:
            results = run(Path(tmp), settings)
    print(render(settings, results))
    if json_out:
        json_out.write_text(json.dumps(raw(results), indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
