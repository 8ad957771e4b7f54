"""The `review` and `rules` commands as plain functions; cli.py registers them.

Both print to stdout (findings, docs) and stderr (warnings), return the exit code, and raise
`SchemasmithError` subclasses for bad input, which the CLI prints as one message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..config import load_config
from ..errors import SchemasmithError
from .definition import CATEGORIES
from .engine import review_source
from .formats import FORMATS, render_github, render_json, render_markdown, render_sarif, render_text
from .registry import all_rules, get_rule
from .rule_pages import index_page, profiles_text, rule_page
from .settings import FAIL_ON, review_settings


def _console(stderr: bool = False):
    from ..console import stderr_console, stdout_console

    return stderr_console() if stderr else stdout_console(soft_wrap=False)


def review_command(
    schema: str,
    format: str = "text",
    fail_on: str | None = None,
    profile: str | None = None,
    config_path: str | None = None,
    output: Path | None = None,
) -> int:
    """`schemasmith review SCHEMA`: print the findings; exit 1 when one reaches `--fail-on`.

    `profile` and `fail_on` left as None take the configuration's value, then the defaults
    (profile postgres; no failing). The exit code is 0 otherwise. With `output`, the report is
    written to that file (atomically) instead of standard output.
    """
    if format not in FORMATS:
        raise SchemasmithError(f"--format: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    settings = review_settings(load_config(config_path))
    threshold = fail_on if fail_on is not None else settings.fail_on
    if threshold is not None and threshold not in FAIL_ON:
        raise SchemasmithError(f"--fail-on: unknown severity {threshold!r}; use one of {', '.join(FAIL_ON)}")
    review = review_source(schema, profile=profile, settings=settings)
    if review.warnings:
        from rich.text import Text

        err = _console(stderr=True)
        for warning in review.warnings:
            err.print(Text("warning: ", style="yellow") + Text(warning), soft_wrap=True)
    text = _report_text(review, format, schema, to_file=output is not None)
    if output is not None:
        from ..console import say
        from ..fileio import write_text_atomic

        write_text_atomic(output, text)
        say(f"wrote {output} ({len(review.findings)} finding(s))", markup=False)
    elif text is not None:
        sys.stdout.write(text)
    return 1 if review.fails(threshold) else 0


def _report_text(review, format: str, schema: str, *, to_file: bool) -> str | None:
    """The report as text in `format`; None when text goes straight to the terminal (rich)."""
    if format == "json":
        return render_json(review)
    if format == "sarif":
        return render_sarif(review)
    if format == "github":
        return render_github(review)
    if format == "markdown":
        return render_markdown(review, command=f"schemasmith review {schema} --format markdown")
    if not to_file:
        render_text(review, _console())
        return None
    import io

    from rich.console import Console

    buffer = io.StringIO()
    render_text(review, Console(file=buffer, width=10_000, color_system=None, highlight=False, soft_wrap=False))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def rules_command(code: str | None = None, format: str = "text") -> int:
    """`schemasmith rules [CODE]`: list every rule, or print one rule's documentation."""
    if format not in ("text", "json", "markdown"):
        raise SchemasmithError(f"--format: unknown format {format!r}; use text, json or markdown")
    if code is not None:
        rule = get_rule(code)
        if format == "json":
            data = _rule_data(rule)
            data["doc"] = rule_page(rule)
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        elif format == "markdown":
            sys.stdout.write(rule_page(rule))
        elif not sys.stdout.isatty():
            sys.stdout.write(rule_page(rule))  # Markdown is plain text already; rich would centre headings in a pipe
        else:
            from rich.markdown import Markdown

            _console().print(Markdown(rule_page(rule)))
        return 0
    rules = all_rules()
    if format == "json":
        sys.stdout.write(json.dumps([_rule_data(rule) for rule in rules], indent=2, ensure_ascii=False) + "\n")
    elif format == "markdown":
        sys.stdout.write(index_page())
    else:
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        for heading in ("code", "name", "severity", "category", "profiles", "what it finds"):
            table.add_column(heading, overflow="fold")
        for rule in rules:
            table.add_row(rule.code, rule.name, rule.severity, CATEGORIES[rule.category], profiles_text(rule), rule.summary)
        _console().print(table)
    return 0


def _rule_data(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "category": rule.category,
        "profiles": profiles_text(rule),
        "summary": rule.summary,
    }
