"""docs/api.md is true: its curl commands, run in order against `tracker serve`, get the
answers written under them.

The guide's ```console blocks hold commands (`$ curl ...`, continued with a trailing
backslash) each followed by its answer: the status line, some headers, a body. A line
`$ NAME=<id>  # the "FIELD" of the answer` keeps FIELD of the previous answer in NAME (the
id in the guide is an example); `$API` is the server started here. `$ tracker ...` runs the
CLI on the server's database (its output must be the lines shown), and
`$ NAME=$(tracker ...)` keeps what it prints. Variables are expanded as the shell would:
not inside single quotes.

Checked per curl command: the status code; the values of ETag, Content-Type and
Idempotent-Replayed and the presence of every other header shown; for a JSON body shown,
its top-level members (of an excerpt with "…": the members it names); for another
body, its first line.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.e2e_api.client import Answer, call
from tests.e2e_api.conftest import ROOT, Server, serving
from tracker.cli import main

GUIDE = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
CAPTURE = re.compile(r'^(\w+)=(\S+)\s+#\s+the "(\w+)" of the answer$')
CLI_CAPTURE = re.compile(r"^(\w+)=\$\((tracker .*)\)$")
ASSIGN = re.compile(r"^(\w+)=(\S+)$")
VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")
EXACT_HEADERS = ("etag", "content-type", "idempotent-replayed")
MEMBER = re.compile(r'"(\w+)":')


@dataclass
class Step:
    """One `$` line of the guide (joined if continued) and the answer written under it."""

    command: str
    expected: list[str] = field(default_factory=list)
    line: int = 0


def steps_of(text: str) -> list[Step]:
    """Every command of every console block, in order."""
    steps: list[Step] = []
    for block in BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        continued = False
        for offset, line in enumerate(block.group(1).splitlines()):
            if continued:
                steps[-1].command += " " + line.strip().removesuffix("\\").strip()
            elif line.startswith("$ "):
                steps.append(Step(line[2:].removesuffix("\\").strip(), line=first_line + offset))
            else:
                steps[-1].expected.append(line)
            continued = line.endswith("\\")
    return steps


def expand(command: str, variables: dict[str, str]) -> str:
    """Replace $NAME and ${NAME} outside single quotes, as a shell would."""
    pieces = re.split(r"('[^']*')", command)
    return "".join(
        piece
        if piece.startswith("'")
        else VARIABLE.sub(lambda m: variables[m.group(1) or m.group(2)], piece)
        for piece in pieces
    )


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def parse_curl(command: str) -> Request:
    """The request a curl command line sends (the options the guide uses)."""
    words = shlex.split(command)
    assert words[0] == "curl", command
    method, url, headers, body = "GET", "", {}, None
    options = iter(words[1:])
    for word in options:
        if word == "-X":
            method = next(options)
        elif word == "-H":
            name, _, value = next(options).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data"):
            body = next(options).encode()
            method = "POST" if method == "GET" else method
        elif word in ("-i", "-s", "-si"):
            continue
        elif word.startswith("-"):
            raise AssertionError(f"The guide uses a curl option this test does not know: {word}")
        else:
            url = word
    return Request(method, url, headers, body)


def send(request: Request, server: Server) -> Answer:
    assert request.url.startswith(server.base), request.url  # 127.0.0.1 only
    path = request.url.removeprefix(server.base)
    return call(server.base, request.method, path, headers=request.headers, raw=request.body)


def check_answer(step: Step, answer: Answer) -> None:
    """The real answer agrees with what the guide shows under the command."""
    where = f"docs/api.md line {step.line}: {step.command[:80]}"
    status_line, *rest = step.expected
    assert answer.status == int(status_line.split()[1]), (where, answer.status, answer.body)
    blank = rest.index("") if "" in rest else len(rest)
    for header in rest[:blank]:
        name, _, value = header.partition(":")
        real = answer.header(name.strip())
        assert real is not None, (where, f"no {name} header")
        if name.strip().lower() in EXACT_HEADERS:
            assert real == value.strip(), (where, name, real)
    body = "\n".join(rest[blank + 1 :]).strip()
    if not body:
        return
    real = answer.body.decode()
    if body.startswith("{") and "\u2026" in body:  # a JSON excerpt: its members are there
        missing = set(MEMBER.findall(body)) - set(MEMBER.findall(real))
        assert not missing, (where, missing)
    elif body.startswith("{"):
        assert set(json.loads(body)) <= set(answer.json()), (where, answer.json())
    else:
        assert real.splitlines()[0] == body.splitlines()[0], where


def run_cli(command: str, database_url: str) -> str:
    """`tracker ...` on the database, as the guide's reader runs it (in this process, which
    is quicker than a new interpreter per command); its standard output."""
    words = shlex.split(command)
    assert words[0] == "tracker", command
    done = CliRunner().invoke(main, words[1:], env={"TRACKER_DATABASE_URL": database_url})
    assert done.exit_code == 0, (command, done.output, done.exception)
    return done.stdout


@pytest.fixture
def server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    with serving(sqlite_url, tmp_path, workers=2) as running:
        yield running


def run_guide(text: str, server: Server, database_url: str) -> list[str]:
    """Every step of the guide against the server; the commands run, in order."""
    variables: dict[str, str] = {}
    last: Any = None
    ran = []
    for step in steps_of(text):
        if capture := CAPTURE.match(step.command):
            name, _, member = capture.groups()
            variables[name] = str(last.json()[member])
        elif cli := CLI_CAPTURE.match(step.command):
            variables[cli.group(1)] = run_cli(expand(cli.group(2), variables), database_url).strip()
        elif step.command.startswith("tracker "):
            printed = run_cli(expand(step.command, variables), database_url)
            assert printed.splitlines() == step.expected, (step.line, printed)
        elif assign := ASSIGN.match(step.command):
            name, value = assign.groups()
            variables[name] = server.api if name == "API" else value
        else:
            last = send(parse_curl(expand(step.command, variables)), server)
            check_answer(step, last)
            ran.append(step.command)
    return ran


@pytest.mark.slow
def test_every_curl_command_of_the_guide_gets_the_answer_it_shows(
    server: Server, sqlite_url: str
) -> None:
    ran = run_guide(GUIDE.read_text(), server, sqlite_url)

    # The whole journey ran: invite, accept, edit, draft, activate, revise, propose, accept,
    # check-in, timeline, calendar.
    assert len(ran) >= 15
    assert any("calendar.ics" in command for command in ran)


def test_the_guide_parser_reads_continued_commands_and_answers() -> None:
    text = "x\n```console\n$ curl -i \\\n    -X POST 'u'\nHTTP/1.1 201 CREATED\nETag: \"1\"\n```\n"

    (step,) = steps_of(text)

    assert step.command == "curl -i -X POST 'u'"
    assert step.expected == ["HTTP/1.1 201 CREATED", 'ETag: "1"']
    assert step.line == 3
    assert expand("""a "$API/x" '$API' ${API}""", {"API": "h"}) == """a "h/x" '$API' h"""
