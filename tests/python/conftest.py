"""Shared fixtures: a pytest-lsp client driving the real `agentlint server` binary.

The binary is `$AGENTLINT_BIN` if set, else `target/debug/agentlint` in the repository root.
Nothing here builds it.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

# How long any single wait for the server may take before the test fails (not a sleep).
TIMEOUT = 20.0


def agentlint_bin() -> pathlib.Path:
    configured = os.environ.get("AGENTLINT_BIN")
    return (
        pathlib.Path(configured)
        if configured
        else REPO_ROOT / "target" / "debug" / "agentlint"
    )


class AgentlintClient(LanguageClient):
    """A pytest-lsp client that also keeps every `publishDiagnostics` in arrival order, so a test
    can wait for the diagnostics of one exact document version (or the next publication after a
    point) instead of sleeping."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self._waiters: list[
            tuple[Callable[[types.PublishDiagnosticsParams], bool], asyncio.Future]
        ] = []

    # -- publishDiagnostics bookkeeping --------------------------------------------------------

    def record(self, params: types.PublishDiagnosticsParams) -> None:
        self.published.append(params)
        for entry in list(self._waiters):
            matches, future = entry
            if not future.done() and matches(params):
                future.set_result(params)
                self._waiters.remove(entry)

    async def wait_for_diagnostics(
        self,
        uri: str,
        *,
        version: int | None | type[Ellipsis] = ...,
        after: int = 0,
    ) -> list[types.Diagnostic]:
        """The diagnostics of the first publication for `uri` at index `after` or later in
        `self.published`, restricted to `version` when given (`None` means "no version")."""

        def matches(p: types.PublishDiagnosticsParams) -> bool:
            return p.uri == uri and (version is ... or p.version == version)

        for p in self.published[after:]:
            if matches(p):
                return list(p.diagnostics)
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((matches, future))
        try:
            params = await asyncio.wait_for(future, TIMEOUT)
        except TimeoutError:
            seen = [(p.uri, p.version, len(p.diagnostics)) for p in self.published]
            pytest.fail(
                f"no publishDiagnostics for {uri} (version={version!r}, after={after}) "
                f"within {TIMEOUT}s; seen (uri, version, count): {seen}"
            )
        return list(params.diagnostics)

    # -- document helpers ----------------------------------------------------------------------

    def open(self, uri: str, language_id: str, text: str, version: int = 1) -> None:
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language_id, version=version, text=text
                )
            )
        )

    def insert(
        self, uri: str, version: int, line: int, character: int, text: str
    ) -> None:
        """One incremental change inserting `text` at (line, character)."""
        self.replace(uri, version, (line, character), (line, character), text)

    def replace(
        self,
        uri: str,
        version: int,
        start: tuple[int, int],
        end: tuple[int, int],
        text: str,
    ) -> None:
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=start[0], character=start[1]),
                            end=types.Position(line=end[0], character=end[1]),
                        ),
                        text=text,
                    )
                ],
            )
        )


def _publish_diagnostics(ls: AgentlintClient, params: types.PublishDiagnosticsParams):
    ls.diagnostics[params.uri] = params.diagnostics  # what pytest-lsp's default handler does
    ls.record(params)


def _register_capability(ls: AgentlintClient, params: types.RegistrationParams):
    # The server registers file watchers when the client allows dynamic registration; pytest-lsp
    # has no default handler for this request and would report "method not found" as an error.
    ls.registrations.extend(params.registrations)
    return None


def _unregister_capability(ls: AgentlintClient, params: types.UnregistrationParams):
    return None


def make_client() -> AgentlintClient:
    client = AgentlintClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish_diagnostics
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[types.CLIENT_UNREGISTER_CAPABILITY] = _unregister_capability
    register_lsp_features(client, features)
    return client


def vscode_capabilities() -> types.ClientCapabilities:
    """VS Code's recorded capabilities (no `general.positionEncodings`, so UTF-16), with
    versioned diagnostics switched on because the tests wait for specific versions, and without
    pull diagnostics: these tests read what the server pushes (a client that can pull gets
    nothing pushed; `tests/tests/lsp_stdio.rs` drives the pull model)."""
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None
    assert capabilities.text_document.publish_diagnostics is not None
    capabilities.text_document.publish_diagnostics.version_support = True
    capabilities.text_document.diagnostic = None
    return capabilities


@pytest_asyncio.fixture
async def client():
    """A started, not yet initialised server; use `initialize` to start the session."""
    binary = agentlint_bin()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(
            f"agentlint binary not found or not executable at {binary}; build it "
            "(cargo build) or point AGENTLINT_BIN at one",
            pytrace=False,
        )
    lsp_client = make_client()
    await lsp_client.start_io(str(binary), "server")
    yield lsp_client
    # `exit` must end the server even if the test left its requests unanswered; a server that
    # does not exit fails the test (it once hung CI here) instead of hanging it.
    try:
        await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)
    except TimeoutError:
        server = lsp_client._server
        if server is not None and server.returncode is None:
            server.kill()
        await lsp_client.stop()
        pytest.fail(f"the server did not exit within {TIMEOUT}s of `shutdown` and `exit`")
    await lsp_client.stop()


async def initialize(
    client: AgentlintClient,
    root: pathlib.Path | None,
    capabilities: types.ClientCapabilities | None = None,
    initialization_options: Any = None,
) -> types.InitializeResult:
    """Initialises the session with `root` as the only workspace folder."""
    folders = (
        [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else None
    )
    return await asyncio.wait_for(
        client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities or vscode_capabilities(),
                root_uri=root.as_uri() if root else None,
                workspace_folders=folders,
                initialization_options=initialization_options,
            )
        ),
        TIMEOUT,
    )


def span(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
