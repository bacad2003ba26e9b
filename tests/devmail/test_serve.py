"""``ehoks serve``: the catcher runs while serving, and public_url follows the port."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from ehoks.cli import app
from ehoks.config import load_settings
from ehoks.devmail.reader import list_mails
from ehoks.mail.sender import OutgoingMail, SmtpMailer

runner = CliRunner()


@pytest.fixture
def served(monkeypatch):
    """Stands in for uvicorn.run: builds the settings from the environment as a worker does
    (ehoks.asgi:create) and hands them to ``served.during`` while "serving"."""

    class Served:
        settings = None
        kwargs = None
        during = None

    def fake_run(app_path, **kwargs):
        assert app_path == "ehoks.asgi:create"
        Served.kwargs = kwargs
        Served.settings = load_settings()
        if Served.during is not None:
            Served.during(Served.settings)

    monkeypatch.setattr("ehoks.cli.serve.uvicorn.run", fake_run)
    monkeypatch.setenv("EHOKS_ENVIRONMENT", "test")
    # serve sets EHOKS_PUBLIC_URL in os.environ itself; this puts it back as it was.
    monkeypatch.setenv("EHOKS_PUBLIC_URL", "")
    monkeypatch.delenv("EHOKS_PUBLIC_URL")
    monkeypatch.delenv("EHOKS_MAIL_CATCHER__ENABLED", raising=False)
    return Served


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_public_url_follows_the_port(served):
    result = runner.invoke(app, ["serve", "--port", "8010"])

    assert result.exit_code == 0, result.output
    assert served.kwargs["port"] == 8010
    assert served.settings.public_url == "http://localhost:8010"
    assert "Mail catcher" not in result.output


def test_an_explicit_public_url_is_kept(served, monkeypatch):
    monkeypatch.setenv("EHOKS_PUBLIC_URL", "https://ehoks.example")

    result = runner.invoke(app, ["serve", "--port", "8010"])

    assert result.exit_code == 0, result.output
    assert served.settings.public_url == "https://ehoks.example"


def test_serve_runs_the_catcher_while_serving(served, monkeypatch, tmp_path):
    port = _free_port()
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__ENABLED", "true")
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__PORT", str(port))
    monkeypatch.setenv("EHOKS_MAIL_CATCHER__DIRECTORY", str(tmp_path / "posti"))
    served.during = lambda settings: SmtpMailer(settings.smtp).send(
        OutgoingMail(to="olli@example.fi", subject="Kirjaudu", text="t")
    )

    result = runner.invoke(app, ["serve", "--port", "8010"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"Mail catcher: all mail goes to smtp://127.0.0.1:{port} and is kept in "
        f"{tmp_path / 'posti'}/; read it at http://localhost:8010/ehoks/kehitys/posti"
    ]
    (mail,) = list_mails(tmp_path / "posti")
    assert (mail.subject, mail.to) == ("Kirjaudu", ("olli@example.fi",))
    # Stopped with serve: the port is free again.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_catcher_port_in_use_is_reported_and_serving_goes_on(served, monkeypatch, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        monkeypatch.setenv("EHOKS_MAIL_CATCHER__ENABLED", "true")
        monkeypatch.setenv("EHOKS_MAIL_CATCHER__PORT", str(port))
        monkeypatch.setenv("EHOKS_MAIL_CATCHER__DIRECTORY", str(tmp_path))

        result = runner.invoke(app, ["serve"])

    assert result.exit_code == 0, result.output
    assert served.kwargs is not None
    assert f"127.0.0.1:{port} is already in use" in result.output
