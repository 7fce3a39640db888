"""Fixes that change other files of the project (`.env.example`, `.gitignore`, `PRIVACY.md`) as
VS Code receives them (documentChanges with CreateFile), and the hover card of a tool."""

import random
import string

from lsprotocol import types

from conftest import AgentlintClient, initialize


def openai_key(seed: int) -> str:
    """A key in OpenAI's format, made now (none is ever committed)."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "_-"
    part = lambda n: "".join(rng.choice(alphabet) for _ in range(n))  # noqa: E731
    return "sk-" + "proj-" + part(40) + "T3Blbk" + "FJ" + part(40)


async def actions_for(client: AgentlintClient, uri: str, diagnostic: types.Diagnostic):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )


def operations(action: types.CodeAction) -> list:
    assert action.edit is not None
    return list(action.edit.document_changes or [])


async def test_the_key_fix_reads_the_environment_and_declares_the_variable(client, tmp_path):
    (tmp_path / ".git").mkdir()
    key = openai_key(7)
    await initialize(client, tmp_path)
    uri = (tmp_path / "agent.py").as_uri()
    client.open(uri, "python", f'from openai import OpenAI\n\nclient = OpenAI(api_key="{key}")\n')
    diagnostics = await client.wait_for_diagnostics(uri, version=1)
    [finding] = [d for d in diagnostics if d.code == "AL301"]
    # The message names the provider and shows the key's public prefix and last four
    # characters only.
    assert finding.message == f"An OpenAI API key is written in the source (`sk-proj-…{key[-4:]}`)"
    assert key[8:20] not in str(diagnostics)

    actions = await actions_for(client, uri, finding)
    [fix] = [a for a in actions if a.title.startswith("Read it from the environment")]
    changes = operations(fix)
    edits = [c for c in changes if isinstance(c, types.TextDocumentEdit)]
    created = [c.uri for c in changes if isinstance(c, types.CreateFile)]
    assert created == [(tmp_path / ".env.example").as_uri(), (tmp_path / ".gitignore").as_uri()]
    this = [e for e in edits if e.text_document.uri == uri]
    # `import os` opens the standard library's group, before the third-party one.
    assert [e.new_text for e in this[0].edits] == [
        "import os\n\n",
        'os.environ["OPENAI_API_KEY"]',
    ]
    others = {e.text_document.uri: [x.new_text for x in e.edits] for e in edits if e.text_document.uri != uri}
    assert others == {
        (tmp_path / ".env.example").as_uri(): ["OPENAI_API_KEY=\n"],
        (tmp_path / ".gitignore").as_uri(): [".env\n"],
    }


async def test_the_privacy_fix_drafts_a_notice(client, tmp_path):
    (tmp_path / ".git").mkdir()
    await initialize(client, tmp_path)
    uri = (tmp_path / "agent.py").as_uri()
    client.open(
        uri,
        "python",
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        "def answer(history):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=history)\n",
    )
    diagnostics = await client.wait_for_diagnostics(uri, version=1)
    [finding] = [d for d in diagnostics if d.code == "AL401"]
    assert finding.message.endswith("and the project has no privacy notice")
    actions = await actions_for(client, uri, finding)
    [fix] = [a for a in actions if a.title.startswith("Create PRIVACY.md")]
    changes = operations(fix)
    notice = (tmp_path / "PRIVACY.md").as_uri()
    assert [c.uri for c in changes if isinstance(c, types.CreateFile)] == [notice]
    [draft] = [c for c in changes if isinstance(c, types.TextDocumentEdit)]
    assert draft.text_document.uri == notice
    assert "### OpenAI" in draft.edits[0].new_text


async def test_hover_shows_what_the_model_is_told(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "server.py").as_uri()
    client.open(
        uri,
        "python",
        'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("notes")\n\n\n'
        "@mcp.tool()\ndef search(query: str) -> str:\n"
        '    """Search the notes for a phrase."""\n    return query\n',
    )
    await client.wait_for_diagnostics(uri, version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=6, character=5),
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "a model-callable tool" in hover.contents.value
    assert "Search the notes for a phrase." in hover.contents.value
