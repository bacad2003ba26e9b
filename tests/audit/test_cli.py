"""``ehoks audit verify`` and ``ehoks audit head`` against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ehoks.audit.service import GENESIS_HASH, append
from ehoks.cli import app
from ehoks.db import make_session_factory
from tests.audit import record, run_sql

runner = CliRunner()


@pytest.fixture
def env(database_url, db, monkeypatch):
    monkeypatch.setenv("EHOKS_DATABASE_URL", database_url)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    return db


@pytest.fixture
def chain(env):
    with make_session_factory(env).begin() as session:
        append(session, [record(i) for i in range(4)])
    return env


@pytest.mark.parametrize("command", [["audit"], ["audit", "verify"], ["audit", "head"]])
def test_audit_commands_have_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_an_empty_trail_is_intact_and_its_head_is_the_genesis(env):
    head = runner.invoke(app, ["audit", "head"])
    assert head.exit_code == 0, head.output
    assert head.stdout.strip() == f"0:{GENESIS_HASH}"
    verified = runner.invoke(app, ["audit", "verify", "--expect-head", head.stdout.strip()])
    assert verified.exit_code == 0, verified.output
    assert "intact: 0 events checked" in verified.stdout


def test_verify_prints_the_count_and_the_head_it_checked(chain):
    head = runner.invoke(app, ["audit", "head"]).stdout.strip()
    assert head.startswith("4:")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"intact: 4 events checked, head {head}"


def test_verify_exits_1_and_names_each_problem(chain):
    run_sql(chain, "UPDATE audit_event SET actor_id = 'someone-else' WHERE seq = 2")
    run_sql(chain, "DELETE FROM audit_event WHERE seq = 3")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "seq 2: contents do not match its hash (altered)",
        "seq 4: event 3 is missing (removed)",
    ]
    assert "BROKEN: 2 problems in 3 events checked" in result.stderr


def test_a_cut_off_tail_is_caught_with_the_anchor_kept_earlier(chain):
    anchor = runner.invoke(app, ["audit", "head"]).stdout.strip()
    run_sql(chain, "DELETE FROM audit_event WHERE seq = 4")
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    result = runner.invoke(app, ["audit", "verify", "--expect-head", anchor])
    assert result.exit_code == 1
    assert "cut off the tail" in result.stdout


@pytest.mark.parametrize("anchor", ["4", "x:abc", f"-1:{GENESIS_HASH}", "4:" + "g" * 64])
def test_a_malformed_anchor_is_refused(env, anchor):
    result = runner.invoke(app, ["audit", "verify", "--expect-head", anchor])
    assert result.exit_code == 2
    assert "SEQ:HASH" in result.output
