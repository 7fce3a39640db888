"""The initialize handshake."""

from lsprotocol import types

from conftest import initialize


async def test_initialize_result_for_a_default_client(client, tmp_path):
    result = await initialize(client, tmp_path)

    assert result.server_info is not None
    assert result.server_info.name == "agentlint"
    caps = result.capabilities
    # VS Code's capabilities offer no positionEncodings: UTF-16 is the only choice.
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close is True
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert types.CodeActionKind.QuickFix in (caps.code_action_provider.code_action_kinds or [])


async def test_utf8_is_chosen_when_offered(client, tmp_path):
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[
                types.PositionEncodingKind.Utf16,
                types.PositionEncodingKind.Utf8,
            ]
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True
            )
        ),
    )
    result = await initialize(client, tmp_path, capabilities)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8

    # Columns are now UTF-8 bytes: `x = "` is 5, the emoji 4 bytes, `"; ` 3, so `eval` is at 12.
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", 'x = "😀"; eval(s)\n')
    [d] = await client.wait_for_diagnostics(uri, version=1)
    assert (d.range.start.line, d.range.start.character) == (0, 12)
    assert (d.range.end.line, d.range.end.character) == (0, 16)
