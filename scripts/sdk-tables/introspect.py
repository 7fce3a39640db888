#!/usr/bin/env python3
"""Introspect installed Python SDKs: which classes, client methods and functions send data to an
LLM provider. Run by generate.sh, never by CI, and never against the network.

  introspect.py collect --group NAME --packages FILE --out PART.json   (inside a venv)
  introspect.py merge --providers providers.toml --out python.toml PART.json...

`collect` imports the packages, constructs each SDK client with a fake key and reads the source of
every method it can reach. It never calls an API, and constructing the clients does no I/O
(generate.sh runs it in a network namespace without network where `unshare` allows; under strace
no run makes a single connect()). `merge` maps every record to a provider of providers.toml and
writes the table, sorted, so that re-running gives a minimal diff.

How "sends" is decided (the rule each SDK uses is in SDKS below, `rule`):

  http   A function sends when its source (read with `ast`) issues an HTTP POST with a request
         body: a call to `_post`/`post`/`_inner_post` whose arguments are more than a path
         (Stainless-generated SDKs: openai, anthropic, groq, together, cerebras, fireworks,
         perplexity, zhipuai, zai, volcengine ark; huggingface_hub's InferenceClient), or a call to
         a generic request function (`request`, `_request`, `request_streamed`,
         `_build_request`, ...) whose method is "POST" and that passes a body (`json=`, `body=`,
         `data=`, `files=`, `get_serialized_body=`, or a third positional argument that is data):
         google-genai (`request('post', path, request_dict)`), mistralai (Speakeasy), cohere
         (Fern), replicate, cozepy. POST without a body (`/jobs/{id}/cancel`) does not count;
         GET, DELETE, PUT and PATCH never do.
  grpc   xai_sdk: a call to a gRPC stub method (`self._stub.GetCompletion(...)`) whose request
         message (read from the protobuf descriptors) carries content: a field named messages,
         content, prompt, input, text, data, ... at any depth.
  gapic  google-generativeai: a call to a generated `google.ai.generativelanguage` service method
         that is not an AIP standard Get/List/Delete/Update (those send no user content).
  dashscope  a call to `_build_api_request(..., input=...)` (DashScope's request builder, POST
         unless told otherwise), from the classmethods `call`/`async_call` of its API classes.
  params qianfan: a public method of a resource class that takes the user's content
         (messages, prompt, texts, input, ...): tracing its version-dispatching requestor would
         need a configured client.
  Shared by all rules: a function also sends when it calls one that sends (through `self.x.y`,
  `cls.x`, `super().x`, `Base.method(self)`, a decorator's wrapped function or a module-level
  name; helpers that fetch tokens, credentials or headers are not followed, nor generic HTTP
  helpers such as `self._client.get`, whose call site decides), when it calls a path that sends
  on a client of the same SDK that it was given (`client.models.predictions.create(...)`), when
  it opens a websocket (a call into the `websockets`/`websocket`/`aiohttp` packages named
  `connect`/`ws_connect`), and when its return annotation is one of the SDK's own classes with a
  method that sends (a session factory: google-genai `chats.create` returns a `Chat` whose
  `send_message` posts; xai `chat.create` returns a `Chat` whose `sample` calls GetCompletion).
  Methods that administer the account or configure the service (`admin.*`, `organization.*`,
  or whose resource is API keys, webhooks, projects, fine-tuning, agents' or assistants'
  definitions, environments, skills, sessions... : ADMIN_RESOURCES) are left out: what they send
  is the operator's configuration, not users' data (`beta.agents.create` defines an agent,
  `beta.sessions.create` opens a session; `beta.sessions.events.send` sends a user's message, and
  stays).
  Operations that by their name only identify a resource (delete, cancel, retrieve, get, list,
  pause, resume, ...) never count, even where an API makes them a POST with a body. Generic HTTP
  methods of a client (`client.post(path, ...)`) are not part of its API.
  Where an SDK keeps a default client at module level (openai's `openai.chat.completions.create`,
  replicate's `replicate.run`), those are [[function]]s; dashscope's class-level calls
  (`dashscope.Generation.call`) are [[function]]s too.

Models (LangChain, LlamaIndex, pydantic-ai, smolagents, openai-agents, google-adk) are the
concrete subclasses of the frameworks' model bases (MODEL_TARGETS) reachable from a public module.

Providers (merge): a model class's provider comes from its own defining module and name (PROVIDER_RULES;
`langchain_community.chat_models.tongyi.ChatTongyi` is dashscope's wherever it is re-exported), an
SDK client's or function's from providers.toml's most specific entry naming it. Local models,
routers and wrappers, and providers that providers.toml does not list, go to [[unmapped]]. A name
that providers.toml gives to another provider than its class's is left out (and printed).
"""
from __future__ import annotations

import argparse
import ast
import importlib
import importlib.metadata
import inspect
import json
import os
import pkgutil
import re
import sys
import textwrap
import traceback
import types
import warnings

warnings.filterwarnings("ignore")

# Environment for constructing clients: fake keys, so constructors that read the environment do
# not fail. Nothing is ever sent with them.
FAKE_ENV = {
    "OPENAI_API_KEY": "x",
    "ANTHROPIC_API_KEY": "x",
    "GROQ_API_KEY": "x",
    "TOGETHER_API_KEY": "x",
    "CEREBRAS_API_KEY": "x",
    "FIREWORKS_API_KEY": "x",
    "PERPLEXITY_API_KEY": "x",
    "MISTRAL_API_KEY": "x",
    "CO_API_KEY": "x",
    "REPLICATE_API_TOKEN": "x",
    "ZHIPUAI_API_KEY": "x.y",
    "ZAI_API_KEY": "x.y",
    "ARK_API_KEY": "x",
    "XAI_API_KEY": "x",
    "GOOGLE_API_KEY": "x",
    "HF_TOKEN": "x",
    "DASHSCOPE_API_KEY": "x",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "LANGCHAIN_TRACING_V2": "false",
    "OTEL_SDK_DISABLED": "true",
}

# --- Provider SDKs --------------------------------------------------------------------------
# dist      the distribution (for [[package]])
# root      the import package whose public modules are walked for names
# clients   classes (defining path) constructed with a fake key whose resources are walked
# kwargs    constructor keyword arguments to try, in order
# rule      see the module docstring
SDKS = [
    dict(dist="openai", root="openai", rule="http", functions=True,
         clients=["openai.OpenAI", "openai.AsyncOpenAI", "openai.AzureOpenAI", "openai.AsyncAzureOpenAI"],
         kwargs=[{"api_key": "x"}, {"api_key": "x", "azure_endpoint": "https://example.invalid", "api_version": "2024-10-21"}]),
    dict(dist="anthropic", root="anthropic", rule="http",
         clients=["anthropic.Anthropic", "anthropic.AsyncAnthropic", "anthropic.AnthropicVertex",
                  "anthropic.AsyncAnthropicVertex", "anthropic.AnthropicBedrock", "anthropic.AsyncAnthropicBedrock",
                  "anthropic.AnthropicFoundry", "anthropic.AsyncAnthropicFoundry"],
         kwargs=[{"api_key": "x"}, {"region": "us-east5", "project_id": "x", "access_token": "x"},
                 {"aws_region": "us-east-1", "aws_access_key": "x", "aws_secret_key": "x"},
                 {"api_key": "x", "resource": "x"}, {"api_key": "x", "base_url": "https://example.invalid"}]),
    dict(dist="groq", root="groq", rule="http", clients=["groq.Groq", "groq.AsyncGroq"], kwargs=[{"api_key": "x"}]),
    dict(dist="together", root="together", rule="http", clients=["together.Together", "together.AsyncTogether"], kwargs=[{"api_key": "x"}]),
    dict(dist="cerebras-cloud-sdk", root="cerebras.cloud.sdk", rule="http",
         clients=["cerebras.cloud.sdk.Cerebras", "cerebras.cloud.sdk.AsyncCerebras"], kwargs=[{"api_key": "x", "warm_tcp_connection": False}, {"api_key": "x"}]),
    dict(dist="fireworks-ai", root="fireworks", rule="http", clients=["fireworks.Fireworks", "fireworks.AsyncFireworks"], kwargs=[{"api_key": "x"}]),
    dict(dist="perplexityai", root="perplexity", rule="http", clients=["perplexity.Perplexity", "perplexity.AsyncPerplexity"], kwargs=[{"api_key": "x"}]),
    dict(dist="zhipuai", root="zhipuai", rule="http", clients=["zhipuai.ZhipuAI"], kwargs=[{"api_key": "x.y"}]),
    dict(dist="zai-sdk", root="zai", rule="http", clients=["zai.ZaiClient", "zai.ZhipuAiClient"], kwargs=[{"api_key": "x.y"}]),
    dict(dist="volcengine-ark-runtime", root="volcenginesdkarkruntime", rule="http",
         clients=["volcenginesdkarkruntime.Ark", "volcenginesdkarkruntime.AsyncArk"], kwargs=[{"api_key": "x"}]),
    dict(dist="mistralai", root="mistralai", rule="http",
         clients=["mistralai.client.Mistral", "mistralai.azure.client.MistralAzure", "mistralai.gcp.client.MistralGCP",
                  "mistralai.gcp.client.MistralGoogleCloud"],
         kwargs=[{"api_key": "x"}, {"api_key": "x", "server_url": "https://example.invalid"},
                 {"access_token": "x", "project_id": "x", "region": "europe-west4"}]),
    dict(dist="cohere", root="cohere", rule="http",
         clients=["cohere.Client", "cohere.AsyncClient", "cohere.ClientV2", "cohere.AsyncClientV2"],
         kwargs=[{"api_key": "x"}]),
    dict(dist="google-genai", root="google.genai", rule="http", clients=["google.genai.Client"], kwargs=[{"api_key": "x"}]),
    dict(dist="huggingface_hub", root="huggingface_hub", rule="http", walk=["huggingface_hub", "huggingface_hub.inference"],
         clients=["huggingface_hub.InferenceClient", "huggingface_hub.AsyncInferenceClient"], kwargs=[{"token": "x"}]),
    dict(dist="replicate", root="replicate", rule="http", functions=True, clients=["replicate.Client"], kwargs=[{"api_token": "x"}]),
    dict(dist="cozepy", root="cozepy", rule="http", clients=["cozepy.Coze", "cozepy.AsyncCoze"], kwargs="coze"),
    dict(dist="xai-sdk", root="xai_sdk", rule="grpc", clients=["xai_sdk.Client", "xai_sdk.AsyncClient"], kwargs=[{"api_key": "x"}]),
    dict(dist="google-generativeai", root="google.generativeai", rule="gapic", functions=True,
         clients=["google.generativeai.GenerativeModel"], kwargs=[{"model_name": "gemini-x"}]),
    dict(dist="dashscope", root="dashscope", rule="dashscope", clients=[], classcalls=True),
    dict(dist="qianfan", root="qianfan", rule="params", clients=[], resources=True),
]

# --- Model classes -----------------------------------------------------------------------------
LC_BASES = {"llm": ["langchain_core.language_models.BaseChatModel", "langchain_core.language_models.BaseLLM"],
            "embeddings": ["langchain_core.embeddings.Embeddings"]}
LI_BASES = {"llm": ["llama_index.core.base.llms.base.BaseLLM"],
            "embeddings": ["llama_index.core.base.embeddings.base.BaseEmbedding"]}
MODEL_TARGETS = [
    # (dists, packages walked (all their public submodules), bases by kind, abstract base modules)
    dict(dists=["langchain-openai", "langchain-anthropic", "langchain-google-genai", "langchain-google-vertexai",
                "langchain-mistralai", "langchain-cohere", "langchain-groq", "langchain-together",
                "langchain-deepseek", "langchain-xai", "langchain-aws", "langchain-huggingface",
                "langchain-fireworks", "langchain-perplexity", "langchain-cerebras", "langchain-openrouter"],
         walk="dists", bases=LC_BASES),
    dict(dists=["langchain-community"], walk=["langchain_community.chat_models", "langchain_community.llms",
                                               "langchain_community.embeddings"], bases=LC_BASES),
    dict(dists=["langchain-classic"], walk=["langchain_classic.chat_models", "langchain_classic.llms",
                                             "langchain_classic.embeddings"], bases=LC_BASES),
    dict(dists=["langchain"], walk=["langchain.chat_models", "langchain.llms", "langchain.embeddings"], bases=LC_BASES,
         legacy=True),
    dict(dists="llama-index-*", walk="llama_index", bases=LI_BASES),
    dict(dists=["pydantic-ai", "pydantic-ai-slim"], walk=["pydantic_ai.models"], bases={"llm": ["pydantic_ai.models.Model"]}),
    dict(dists=["smolagents"], walk=["smolagents", "smolagents.models"], shallow=True,
         bases={"llm": ["smolagents.models.ApiModel"]}),
    dict(dists=["openai-agents"], walk=["agents", "agents.models", "agents.extensions.models"],
         bases={"llm": ["agents.models.interface.Model"]}),
    dict(dists=["google-adk"], walk=["google.adk.models"], bases={"llm": ["google.adk.models.BaseLlm"]}),
]
# Classes defined here are abstract or test helpers, not integrations.
CORE_MODULES = ("langchain_core.", "llama_index.core.", "pydantic_ai.models.wrapper", "pydantic_ai.models.instrumented")

HTTP_POST_FUNCS = {"_post", "post", "_inner_post", "apost", "_apost", "async_post"}
HTTP_REQUEST_FUNCS = {"stream", "request", "_request", "_async_request", "arequest", "_arequest", "request_streamed", "async_request",
                      "async_request_streamed", "_build_request", "_build_request_async", "request_stream"}
GENERIC_HTTP = {n.lstrip("_") for n in HTTP_POST_FUNCS | HTTP_REQUEST_FUNCS} | {"get", "put", "patch", "delete"}
BODY_KEYWORDS = {"body", "json", "data", "files", "content", "get_serialized_body", "request_dict", "json_data",
                 "request_body", "form", "multipart"}
PATH_FUNCS = {"path_template", "_path", "format", "_url", "urljoin", "join"}
CONTENT_FIELDS = {"messages", "message", "content", "contents", "prompt", "prompts", "input", "inputs", "text",
                  "texts", "data", "chunk", "query", "documents", "image", "images", "audio", "file", "instructions"}
CONTENT_PARAMS = {"messages", "message", "prompt", "prompts", "contents", "content", "input", "inputs", "text",
                  "texts", "query", "documents", "history", "image", "images", "audio", "file", "files"}
WEBSOCKET_MODULES = ("websockets", "websocket", "aiohttp")
WEBSOCKET_FUNCS = {"connect", "ws_connect", "create_connection", "WebSocketApp"}
SKIP_ATTRS = {"with_raw_response", "with_streaming_response", "with_options", "copy", "aio_client", "parent_ref",
              "parent", "root", "client"}
# Helpers not followed: logging in and fetching tokens post, but send no user content.
NOT_FOLLOWED = re.compile(r"auth|token|header|login|logout|credential|oidc|whoami|session|config|env|telemetry")
# Operations that by their name only identify a resource: even when an API makes them a POST
# (`/jobs/{id}/cancel`, Fireworks' `api_keys.delete`), they carry no user content.
IDENTIFYING_VERBS = re.compile(r"^a?(delete|cancel|retrieve|get|list|undelete|pause|resume|clear|unpublish|"
                               r"rollback|poll|wait|health|from|close|revoke)(_|$)")
GENERIC_CLIENT_METHODS = {"get", "post", "put", "patch", "delete", "request", "get_api_list", "close", "copy",
                          "with_options", "send", "head", "options"}


def log(*a):
    print("introspect:", *a, file=sys.stderr)


def dist_version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def resolve(path):
    """Import `a.b.C` (module then attributes)."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(path)


def is_private(path):
    return any(p.startswith("_") for p in path.split("."))


def walk_modules(pkg_name, shallow=False):
    """Every importable module of a package, the package first."""
    try:
        pkg = importlib.import_module(pkg_name)
    except Exception as e:
        log(f"cannot import {pkg_name}: {e!r}"[:300])
        return []
    mods = [pkg]
    if shallow or not hasattr(pkg, "__path__"):
        return mods
    seen = {pkg_name}
    for info in pkgutil.walk_packages(pkg.__path__, pkg_name + ".", onerror=lambda n: None):
        name = info.name
        if name in seen or any(p in ("tests", "test", "testing", "__main__", "cli", "_cli") for p in name.split(".")):
            continue
        seen.add(name)
        try:
            mods.append(importlib.import_module(name))
        except BaseException:  # noqa: BLE001 - optional dependencies, SystemExit in odd modules
            continue
    return mods


def module_members(mod):
    names = set(vars(mod))
    try:
        names |= {n for n in (getattr(mod, "__all__", None) or []) if isinstance(n, str)}
    except Exception:
        pass
    for n in sorted(names):
        if n.startswith("__"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield n, getattr(mod, n)
        except BaseException:  # noqa: BLE001
            continue


def public_paths(paths):
    paths = set(paths)
    pub = {p for p in paths if not is_private(p)}
    return sorted(pub or paths)


def obj_key(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


# --- What administers rather than sends users' data -------------------------------------------

# Any path under these administers the account.
ADMIN_ROOTS = {"admin", "organization", "organizations"}
# A method whose own resource (the segment before it) is one of these configures the service.
ADMIN_RESOURCES = {
    "agents", "api_keys", "assistants", "certificates", "checkpoints", "claude_tag",
    "compliance", "compliance_settings", "containers", "credentials", "data_retention",
    "deployments", "environments", "evals", "external_keys", "external_storage", "federation",
    "fine_tuning", "graders", "groups", "invites", "issuers", "jobs", "members",
    "permissions", "plugin_marketplaces", "plugins", "projects", "rate_limits", "rbac_groups",
    "roles", "rules", "service_accounts", "sessions", "skills", "spend_alerts", "spend_limits",
    "telemetry_destinations", "templates", "tunnels", "user_profiles", "users", "vaults",
    "versions", "webhooks", "workspaces", "action_urls", "installation_settings",
    "increase_requests", "automations", "voice_consents", "client_secrets",
}


def _snake(segment):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", segment).lower()


def administers(method_path):
    """Whether a client's method (`beta.agents.create`) administers the account or configures
    the service rather than sending users' data."""
    parts = [_snake(p) for p in method_path.split(".")]
    if any(p in ADMIN_ROOTS for p in parts):
        return True
    return len(parts) >= 2 and parts[-2] in ADMIN_RESOURCES


# --- The "sends" analysis ------------------------------------------------------------------------

def func_source_tree(fn):
    try:
        fn = inspect.unwrap(fn)
        src = textwrap.dedent(inspect.getsource(fn))
        return ast.parse(src), fn
    except Exception:
        return None, fn


def attr_chain(node):
    """`self._client.chat.create` -> ["self", "_client", "chat", "create"]; `super().x` -> ["super()", "x"]."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super":
        parts.append("super()")
    else:
        return None
    return parts[::-1]


def const_str(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def path_like(node):
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, ast.BinOp):
        return path_like(node.left) and path_like(node.right)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in PATH_FUNCS
    if isinstance(node, ast.Name) and node.id in ("path", "url", "endpoint", "_url"):
        return True
    return False


class Analyzer:
    def __init__(self, sdk_roots, rule, grpc_rpcs=None, gapic_rpcs=None):
        self.roots = tuple(sdk_roots)
        self.rule = rule
        self.grpc_rpcs = grpc_rpcs or set()
        self.gapic_rpcs = gapic_rpcs or set()
        self.memo = {}
        self.class_memo = {}
        self.sending_names = set()
        self.sending_paths = set()

    def in_sdk(self, obj):
        mod = getattr(obj, "__module__", None) or ""
        return any(mod == r or mod.startswith(r + ".") for r in self.roots)

    # direct patterns ----------------------------------------------------------------------
    def direct(self, call, fn, local_imports):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        kws = {k.arg for k in call.keywords if k.arg}
        has_star_kw = any(k.arg is None for k in call.keywords)
        if self.rule in ("http", "dashscope"):
            if name in HTTP_POST_FUNCS:
                if kws & BODY_KEYWORDS or has_star_kw:
                    return True
                if any(not path_like(a) for a in call.args):
                    return True
                return False
            if name in HTTP_REQUEST_FUNCS:
                method = None
                if call.args:
                    method = const_str(call.args[0])
                for k in call.keywords:
                    if k.arg in ("method", "http_method"):
                        method = const_str(k.value)
                if not method or method.lower() != "post":
                    return False
                # (method, path, body): a third positional argument that is data, not a flag or a type
                extra = [a for a in call.args[2:] if not isinstance(a, ast.Constant)
                         and not (isinstance(a, ast.Name) and a.id[:1].isupper())]
                return bool(kws & BODY_KEYWORDS) or bool(extra) or has_star_kw
            if self.rule == "dashscope" and name == "_build_api_request" and "input" in kws:
                return True
        if self.rule == "grpc":
            chain = attr_chain(func)
            if chain and "_stub" in chain[:-1]:
                rpc = chain[chain.index("_stub") + 1]
                return rpc in self.grpc_rpcs
        if self.rule == "gapic":
            chain = attr_chain(func)
            if chain and len(chain) >= 2 and chain[-1] in self.gapic_rpcs:
                return True
        # websockets
        if name in WEBSOCKET_FUNCS:
            chain = attr_chain(func)
            if chain:
                if chain[0] in local_imports:
                    mod = local_imports[chain[0]]
                else:
                    g = getattr(fn, "__globals__", {})
                    target = g.get(chain[0])
                    for p in chain[1:]:
                        target = getattr(target, p, None)
                    mod = getattr(target, "__module__", None) or getattr(target, "__name__", "") or ""
                if mod.split(".")[0] in WEBSOCKET_MODULES:
                    return True
        return False

    def returns_sender(self, fn):
        try:
            ann = inspect.signature(fn).return_annotation
        except Exception:
            return False
        if ann is inspect.Signature.empty:
            return False
        if isinstance(ann, str):
            m = re.fullmatch(r"['\"]?([A-Za-z_][\w.]*)['\"]?", ann.strip())
            if not m:
                return False
            obj = getattr(fn, "__globals__", {}).get(m.group(1).split(".")[0])
            for p in m.group(1).split(".")[1:]:
                obj = getattr(obj, p, None)
            ann = obj
        if not inspect.isclass(ann) or not self.in_sdk(ann):
            return False
        return self.class_sends(ann)

    def class_sends(self, cls):
        key = obj_key(cls)
        if key in self.class_memo:
            return self.class_memo[key]
        self.class_memo[key] = False
        result = False
        for name, member in inspect.getmembers(cls):
            if name.startswith("__") and name not in ("__enter__", "__aenter__", "__iter__", "__aiter__"):
                continue
            f = member.__func__ if inspect.ismethod(member) else member
            if inspect.isfunction(f) and self.in_sdk(f) and self.sends(f, cls, classmode=True):
                result = True
                break
        self.class_memo[key] = result
        return result

    def sends(self, fn, ctx=None, classmode=False, depth=0, selves=("self", "cls")):
        """Does calling fn (a function; ctx is its self or cls) send users' data?"""
        raw = fn.__func__ if inspect.ismethod(fn) else fn
        key = (id(raw), id(ctx), selves)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = False
        if depth > 12:
            return False
        tree, raw = func_source_tree(raw)
        result = False
        if tree is not None:
            result = self._sends_tree(tree, raw, ctx, classmode, depth, selves)
        if not result and self.returns_sender(raw):
            result = True
        self.memo[key] = result
        return result

    def _sends_tree(self, tree, fn, ctx, classmode, depth, selves=("self", "cls")):
        g = getattr(fn, "__globals__", {})
        local_imports = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    local_imports[a.asname or a.name] = node.module
            elif isinstance(node, ast.Import):
                for a in node.names:
                    local_imports[(a.asname or a.name).split(".")[0]] = a.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and self.direct(node, fn, local_imports):
                return True
            # functools.partial(self._post, "/v1/messages", body=...) is that call, made later
            if isinstance(node, ast.Call) and node.args and (
                    getattr(node.func, "id", None) == "partial" or getattr(node.func, "attr", None) == "partial"):
                later = ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords)
                if self.direct(later, fn, local_imports):
                    return True
        # transitive: attribute chains and names that resolve to SDK functions
        passes_self = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                       and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id in selves}
        try:
            closure = inspect.getclosurevars(fn).nonlocals
        except Exception:
            closure = {}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Attribute, ast.Name)):
                continue
            chain = attr_chain(node)
            if not chain:
                continue
            head = chain[0]
            target, tctx = None, None
            # `client.models.predictions.create(...)` on a client the function was given: the
            # path, relative to a client of this SDK, of a method found to send
            if len(chain) >= 3 and ".".join(chain[1:]) in self.sending_paths and head not in g:
                return True
            if head in selves and len(chain) > 1:
                if ctx is None:
                    continue
                obj = ctx
                ok = True
                for p in chain[1:]:
                    try:
                        nxt = inspect.getattr_static(obj, p) if classmode and inspect.isclass(obj) else getattr(obj, p)
                    except Exception:
                        ok = False
                        break
                    if isinstance(nxt, (staticmethod, classmethod)):
                        nxt = getattr(obj, p)
                    obj = nxt
                if not ok:
                    if classmode and chain[-1] in self.sending_names and not chain[-1].startswith("_"):
                        return True
                    continue
                target = obj
                tctx = getattr(obj, "__self__", None) if inspect.ismethod(obj) else ctx
            elif head == "super()" and len(chain) == 2 and ctx is not None:
                cls = ctx if inspect.isclass(ctx) else type(ctx)
                owner = None
                qual = getattr(fn, "__qualname__", "").split(".")
                mro = cls.__mro__
                for i, k in enumerate(mro):
                    if k.__name__ == (qual[-2] if len(qual) > 1 else None):
                        owner = i
                        break
                if owner is None:
                    continue
                for k in mro[owner + 1:]:
                    if chain[1] in k.__dict__:
                        target = k.__dict__[chain[1]]
                        if isinstance(target, (classmethod, staticmethod)):
                            target = target.__func__
                        break
                tctx = ctx
            elif head not in selves and (head in closure or head in g):
                # a wrapped function (a decorator's closure) or a module-level name; helpers that
                # fetch credentials or build headers are not followed (logging in posts too)
                in_closure = head in closure
                obj = closure[head] if in_closure else g[head]
                for p in chain[1:]:
                    obj = getattr(obj, p, None)
                if obj is None:
                    continue
                target = obj
                if inspect.ismethod(obj):
                    tctx = obj.__self__
                elif in_closure:
                    tctx = ctx
                elif inspect.isclass(g[head]) and len(chain) == 2:
                    # `Base.method(self, ...)` keeps self; `Api.call(...)` is a class-level call
                    tctx = ctx if ctx is not None and isinstance(ctx, g[head]) else g[head]
                else:
                    tctx = None
            if target is None:
                continue
            # generic HTTP helpers (`self._requester.request("get", ...)`): the call site decides
            if len(chain) >= 2 and chain[-1].lstrip("_") in GENERIC_HTTP:
                continue
            f = target.__func__ if inspect.ismethod(target) else target
            if isinstance(f, types.FunctionType) and NOT_FOLLOWED.search(f.__name__):
                continue
            if isinstance(f, types.FunctionType) and self.in_sdk(f) and f is not fn:
                callee_selves = ("self", "cls")
                if head not in selves and len(chain) == 1 and ctx is not None and head in passes_self:
                    # a module-level helper given `self` (`return stream(self, ...)`): its first
                    # parameter is this object
                    tctx = ctx
                    try:
                        first = next(iter(inspect.signature(f).parameters))
                        callee_selves = (first,)
                    except (StopIteration, TypeError, ValueError):
                        pass
                if self.sends(f, tctx, classmode=classmode, depth=depth + 1, selves=callee_selves):
                    return True
        return False


def method_params(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except Exception:
        return set()


def walk_resources(client, analyzer, max_depth=4):
    """Public methods reachable from a client: {"chat.completions.create": bound method}."""
    found = {}
    seen = set()

    def visit(obj, prefix, depth):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        cls = type(obj)
        names = set(dir(obj))
        for name in sorted(names):
            if name.startswith("_") or name in SKIP_ATTRS:
                continue
            if depth == 0 and name in GENERIC_CLIENT_METHODS:
                continue
            try:
                static = inspect.getattr_static(obj, name)
            except AttributeError:
                static = None
            # properties whose value is configuration (api_key, base_url) are not resources
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = getattr(obj, name)
            except BaseException:  # noqa: BLE001
                continue
            path = f"{prefix}{name}"
            if inspect.ismethod(value) or inspect.isfunction(value):
                f = value.__func__ if inspect.ismethod(value) else value
                if analyzer.in_sdk(f) and not IDENTIFYING_VERBS.match(name):
                    found[path] = value
            elif depth < max_depth and analyzer.in_sdk(type(value)) and not inspect.isclass(value) \
                    and not (depth > 0 and isinstance(value, type(client))) \
                    and not isinstance(value, (str, bytes, int, float, dict, list, tuple, set)) \
                    and not isinstance(static, type):
                visit(value, path + ".", depth + 1)

    visit(client, "", 0)
    return found


def grpc_sending_rpcs(root):
    """RPC names whose request message carries content (xai_sdk's protobuf descriptors)."""
    rpcs = set()
    pkg = importlib.import_module(root)
    mods = []
    for base in pkg.__path__:
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith("_pb2.py"):
                    rel = os.path.relpath(os.path.join(dirpath, f[:-3]), base).replace(os.sep, ".")
                    try:
                        mods.append(importlib.import_module(f"{root}.{rel}"))
                    except Exception:
                        pass
    for mod in mods:
        desc = getattr(mod, "DESCRIPTOR", None)
        services = getattr(desc, "services_by_name", None)
        if not services:
            continue
        for svc in services.values():
            for m in svc.methods:
                if message_has_content(m.input_type, 0, set()):
                    rpcs.add(m.name)
    return rpcs


def message_has_content(msg, depth, seen):
    if depth > 4 or msg.full_name in seen:
        return False
    seen = seen | {msg.full_name}
    for f in msg.fields:
        if f.name in CONTENT_FIELDS:
            return True
        if f.message_type is not None and message_has_content(f.message_type, depth + 1, seen):
            return True
    return False


def gapic_sending_rpcs():
    """Methods of google.ai.generativelanguage service clients other than AIP Get/List/Delete/Update."""
    rpcs = set()
    for mod in walk_modules("google.ai.generativelanguage_v1beta.services"):
        for name, cls in module_members(mod):
            if inspect.isclass(cls) and name.endswith("Client"):
                for mname, f in vars(cls).items():
                    if not inspect.isfunction(f) and not inspect.iscoroutinefunction(f):
                        continue
                    if mname.startswith("_") or re.match(r"(get|list|delete|update|parse|common)_", mname):
                        continue
                    try:
                        if "_wrapped_methods" in inspect.getsource(f) or "_wrap_method" in inspect.getsource(f):
                            rpcs.add(mname)
                    except Exception:
                        pass
    return rpcs


def construct(cls, kwargs_list):
    if kwargs_list == "coze":
        import cozepy
        kwargs_list = [{"auth": cozepy.TokenAuth("x")}]
    errors = []
    for kw in kwargs_list:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return cls(**kw), None
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e)[:160])
    return None, "; ".join(errors)


def collect_sdk(sdk, out):
    version = dist_version(sdk["dist"])
    if version is None:
        return
    out["packages"].append({"name": sdk["dist"], "version": version})
    try:
        importlib.import_module(sdk["root"])
    except BaseException as e:  # noqa: BLE001
        out["skipped"].append({"package": sdk["dist"], "reason": f"import failed: {e!r}"[:300]})
        return
    roots = [sdk["root"]]
    grpc_rpcs = grpc_sending_rpcs(sdk["root"]) if sdk["rule"] == "grpc" else None
    gapic_rpcs = gapic_sending_rpcs() if sdk["rule"] == "gapic" else None
    if sdk["rule"] == "gapic":
        roots.append("google.ai.generativelanguage")
    an = Analyzer(roots, sdk["rule"], grpc_rpcs, gapic_rpcs)
    # names: every public module path of every class and function
    modules = []
    for w in sdk.get("walk", [sdk["root"]]):
        modules += walk_modules(w)
    paths_of = {}
    objs = {}
    for mod in modules:
        for n, obj in module_members(mod):
            if n.startswith("_"):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj) or (
                    not inspect.ismodule(obj) and an.in_sdk(type(obj))):
                k = id(obj)
                objs[k] = obj
                paths_of.setdefault(k, set()).add(f"{mod.__name__}.{n}")

    client_objs = {}
    for path in sdk["clients"]:
        try:
            cls = resolve(path)
        except Exception:
            continue
        inst, err = construct(cls, sdk["kwargs"])
        if inst is None:
            out["skipped"].append({"package": sdk["dist"], "reason": f"cannot construct {path}: {err}"[:300]})
            continue
        methods = walk_resources(inst, an)
        sends = sorted(p for p, m in methods.items() if an.sends(m, getattr(m, "__self__", None)))
        for p in sends:
            an.sending_names.add(p.split(".")[-1])
            an.sending_paths.add(p)
        client_objs[id(cls)] = (cls, methods, sends)
    # second pass: session factories resolved by name need the names that send
    for k, (cls, methods, sends) in list(client_objs.items()):
        an.memo.clear()
        an.class_memo.clear()
        sends = sorted(p for p, m in methods.items() if an.sends(m, getattr(m, "__self__", None)))
        client_objs[k] = (cls, methods, sends)
        names = public_paths(paths_of.get(id(cls), {obj_key(cls)}))
        if sends:
            out["clients"].append({"names": names, "sends": sends, "defined": obj_key(cls), "dist": sdk["dist"]})

    client_types = tuple(c for c, _, _ in client_objs.values())
    funcs = {}
    if not (sdk.get("functions") or sdk.get("classcalls") or sdk.get("resources")):
        objs = {}
    for k, obj in objs.items():
        try:
            collect_module_object(sdk, an, obj, paths_of[k], client_types, funcs, out)
        except BaseException:  # noqa: BLE001 - proxies of optional dependencies raise on access
            continue
    for key, paths in funcs.items():
        out["functions"].append({"names": public_paths(paths), "defined": key, "dist": sdk["dist"]})
    log(f"{sdk['dist']} {version}: {len(client_objs)} clients, {len(funcs)} functions")


def collect_module_object(sdk, an, obj, paths, client_types, funcs, out):
    if True:
        # module-level resources bound to a default client (openai.chat, replicate.predictions)
        target = obj
        if hasattr(type(obj), "__load__") and not inspect.isclass(obj):
            target = obj.__load__()
        if inspect.ismethod(target) and isinstance(target.__self__, client_types):
            if an.sends(target, target.__self__):
                for p in paths:
                    funcs.setdefault(obj_key(target.__func__) + "@module", set()).add(p)
        elif inspect.isfunction(target) and not IDENTIFYING_VERBS.match(target.__name__):
            if an.in_sdk(target) and an.sends(target, None):
                funcs.setdefault(obj_key(target), set()).update(paths)
        elif not inspect.isclass(target) and not inspect.ismodule(target) and an.in_sdk(type(target)) \
                and not isinstance(target, client_types) and hasattr(target, "_client"):
            for mpath, m in walk_resources(target, an, max_depth=3).items():
                if IDENTIFYING_VERBS.match(mpath.split(".")[-1]):
                    continue
                if an.sends(m, getattr(m, "__self__", None)):
                    for p in paths:
                        funcs.setdefault(f"{obj_key(type(target))}.{mpath}", set()).add(f"{p}.{mpath}")
        elif inspect.isclass(target) and sdk.get("classcalls") and an.in_sdk(target):
            # class-level API calls (dashscope.Generation.call)
            for mname, member in inspect.getmembers(target):
                if mname.startswith("_") or IDENTIFYING_VERBS.match(mname):
                    continue
                st = inspect.getattr_static(target, mname, None)
                if isinstance(st, classmethod) and an.sends(member, target):
                    for p in paths:
                        funcs.setdefault(f"{obj_key(target)}.{mname}", set()).add(f"{p}.{mname}")
        elif inspect.isclass(target) and sdk.get("resources") and an.in_sdk(target):
            # qianfan: resource classes whose public methods take the user's content
            sends = []
            for mname, member in inspect.getmembers(target):
                if mname.startswith("_") or not (inspect.isfunction(member) or inspect.ismethod(member)):
                    continue
                if method_params(member) & CONTENT_PARAMS:
                    sends.append(mname)
            if sends and any(b.__name__ in ("BaseResource", "VersionBase") for b in target.__mro__[1:]):
                out["clients"].append({"names": public_paths(paths), "sends": sorted(sends),
                                       "defined": obj_key(target), "dist": sdk["dist"]})


def base_classes(paths):
    out = []
    for p in paths:
        try:
            out.append(resolve(p))
        except Exception:
            pass
    return tuple(out)


def installed_dists(pattern):
    names = set()
    for d in importlib.metadata.distributions():
        n = (d.metadata["Name"] or "").lower().replace("_", "-")
        if re.fullmatch(pattern.replace("*", ".*"), n):
            names.add(n)
    return sorted(names)


def top_level_packages(dist):
    """Import packages of a distribution (from its RECORD)."""
    try:
        files = importlib.metadata.distribution(dist).files or []
    except importlib.metadata.PackageNotFoundError:
        return []
    pkgs = set()
    for f in files:
        parts = f.parts
        if parts and parts[-1] == "__init__.py" and not any(p.endswith((".dist-info", ".data")) for p in parts):
            pkgs.add(".".join(parts[:-1]))
    # the shortest: `langchain_openai`, not `langchain_openai.chat_models`
    tops = sorted(pkgs, key=len)
    res = []
    for p in tops:
        if not any(p.startswith(r + ".") for r in res):
            res.append(p)
    return res


def collect_models(target, out):
    dists = target["dists"]
    if isinstance(dists, str):
        dists = installed_dists(dists)
    present = [d for d in dists if dist_version(d)]
    if not present:
        return
    for d in present:
        out["packages"].append({"name": d, "version": dist_version(d)})
    bases = {kind: base_classes(paths) for kind, paths in target["bases"].items()}
    if not any(bases.values()):
        out["skipped"].append({"package": ",".join(present), "reason": "base classes not importable"})
        return
    walk = target["walk"]
    if walk == "dists":
        walk = [p for d in present for p in top_level_packages(d)]
    elif walk == "llama_index":
        walk = [p for d in present for p in top_level_packages(d) if p.startswith("llama_index.")]
    modules = []
    for w in walk:
        modules += walk_modules(w, shallow=target.get("shallow", False))
    found = {}
    for mod in modules:
        for n, obj in module_members(mod):
            if n.startswith("_") or not inspect.isclass(obj):
                continue
            kind = next((k for k, bs in bases.items() if bs and issubclass(obj, bs) and obj not in bs), None)
            if kind is None:
                continue
            if obj.__module__.startswith(CORE_MODULES) or inspect.isabstract(obj):
                continue
            key = obj_key(obj)
            rec = found.setdefault(key, {"kind": kind, "paths": set(), "defined": key, "mro": [
                obj_key(b) for b in obj.__mro__[1:6]]})
            rec["paths"].add(f"{mod.__name__}.{n}")
    for rec in found.values():
        out["models"].append({"names": public_paths(rec["paths"]), "kind": rec["kind"], "defined": rec["defined"],
                              "mro": rec["mro"], "dist": ",".join(present)})
    log(f"{','.join(present)}: {len(found)} model classes")


def cmd_collect(args):
    os.environ.update(FAKE_ENV)
    import asyncio
    asyncio.set_event_loop(asyncio.new_event_loop())  # async clients that look up the loop
    wanted = set()
    for line in open(args.packages):
        line = line.split("#")[0].strip()
        if line and not line.startswith("["):
            wanted.add(re.split(r"[\[<>=!~ ]", line)[0].lower().replace("_", "-"))
    out = {"group": args.group, "packages": [], "models": [], "clients": [], "functions": [], "skipped": []}
    for sdk in SDKS:
        if sdk["dist"].lower().replace("_", "-") in wanted:
            try:
                collect_sdk(sdk, out)
            except Exception as e:  # noqa: BLE001
                out["skipped"].append({"package": sdk["dist"], "reason": f"introspection failed: {e!r}"[:300]})
                log(f"{sdk['dist']}: {e!r}")
                traceback.print_exc()
    for target in MODEL_TARGETS:
        dists = target["dists"]
        if isinstance(dists, str):
            if not any(re.fullmatch(dists.replace("*", ".*"), w) for w in wanted):
                continue
        elif not any(d in wanted for d in dists):
            continue
        try:
            collect_models(target, out)
        except Exception as e:  # noqa: BLE001
            out["skipped"].append({"package": str(target["dists"]), "reason": f"introspection failed: {e!r}"[:300]})
            log(f"{target['dists']}: {e!r}")
            traceback.print_exc()
    # only the distributions the group asked for are reported as packages
    out["packages"] = sorted({(p["name"], p["version"]) for p in out["packages"]})
    out["wanted"] = sorted(wanted)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True, default=sorted)


# --- merge: providers and the TOML -------------------------------------------------------------

# Which provider a class belongs to, from its defining module and its name (lower case, with
# `_` and `.` kept). Checked in order; the first match wins. A class matching LOCAL or ROUTER is
# not a third party, or not one fixed by the class: it goes to [[unmapped]].
LOCAL = [r"ollama", r"llama_?cpp", r"llamafile", r"gpt4all", r"pipeline", r"vllm", r"lm_?studio", r"\bmlx",
         r"transformers", r"ctransformers", r"ctranslate2", r"\bfake", r"\bhuman", r"\bmock", r"mlc_?llm",
         r"openvino", r"ipex", r"exllama", r"titan_?takeoff", r"textgen", r"text_gen_inference",
         r"textgeninference", r"kobold", r"self_?hosted", r"weight_only", r"chatglm", r"xinference",
         r"localai", r"aphrodite", r"sentence_?transformer", r"fastembed", r"tensorflow_?hub", r"\bbge",
         r"instruct_?embedding", r"huggingfaceembeddings", r"bge", r"\btest_?model", r"\.test\.", r"\.function\.",
         r"functionmodel", r"\bdeterministic", r"spacy", r"laser", r"model2vec", r"oci_?data_?science_?model_?deployment",
         r"llamacpp", r"_local\b", r"embeddingslocal", r"outlines", r"deepsparse", r"rwkv", r"llama_?edge", r"itrex", r"optimum", r"onnx", r"bookend", r"\bmodelscope"]
ROUTER = [r"openai_?like", r"cache_?backed", r"hypothetical", r"gpt_?router", r"layerup", r"opaque_?prompts",
          r"arcjet", r"concurrency", r"batch_?model", r"mcp_?sampling", r"wrapper", r"litellm", r"lite_llm", r"fallback", r"init_chat_model", r"\brouter", r"portkey", r"aimlapi",
          r"unify", r"eden_?ai", r"konko", r"anyscale_?router", r"langchain_classic\.chat_models\.base"]
# Additional names of local/router classes by class name (exact)
PROVIDER_RULES = [
    ("azure-openai", r"azure.*openai|openai.*azure|azure_?chat_?openai|azureopenai"),
    ("google", r"vertex|google|gemini|palm\b|googlepalm|google_palm"),
    (None, r"sagemaker|azureml|azure_ml|azure_ai|azureai|mlflow|databricks|javelin|gateway"),
    ("bedrock", r"bedrock|langchain_aws\."),
    ("anthropic", r"anthropic|claude"),
    ("openrouter", r"openrouter"),
    ("deepseek", r"deepseek"),
    ("xai", r"\bxai\b|langchain_xai|chatxai|\.xai\.|grok"),
    ("mistral", r"mistral"),
    ("cohere", r"cohere"),
    ("groq", r"groq"),
    ("together", r"together"),
    ("perplexity", r"perplexity"),
    ("replicate", r"replicate"),
    ("fireworks", r"fireworks"),
    ("cerebras", r"cerebras"),
    ("huggingface", r"huggingface|hugging_face|inferenceclient|hfapi|hf_?api|\bhub\b"),
    ("dashscope", r"tongyi|dashscope|qwen"),
    ("zhipu", r"zhipu|(^|[._])zai([._]|model)"),
    ("moonshot", r"moonshot|kimi"),
    ("qianfan", r"qianfan|ernie|baidu"),
    ("ark", r"volcengine|volcano|\bark\b|doubao"),
    ("coze", r"coze"),
    ("siliconflow", r"siliconflow"),
    ("openai", r"openai(?!_?like)"),
]


def load_providers(path):
    import tomllib
    with open(path, "rb") as f:
        data = tomllib.load(f)
    entries = []
    for p in data["provider"]:
        for lang in ("python", "javascript"):
            for e in p.get(lang, []):
                entries.append((lang, e, p["id"]))
    return {p["id"] for p in data["provider"]}, entries


def prefix_provider(entries, lang, name):
    best = None
    for l, e, pid in entries:
        if l != lang:
            continue
        if name == e or (name.startswith(e) and name[len(e)] in ".#/"):
            if best is None or len(e) > len(best[0]):
                best = (e, pid)
    return best


NO_KEYWORD = "provider not in providers.toml "  # (the trailing space tells it from an explicit exclusion)


def classify(text):
    """(provider, None) or (None, reason)."""
    t = text.lower()
    for pat in LOCAL:
        if re.search(pat, t):
            return None, "local model"
    for pat in ROUTER:
        if re.search(pat, t):
            return None, "router or wrapper: the provider comes from the model name, the wrapped model or the configuration"
    for pid, pat in PROVIDER_RULES:
        if re.search(pat, t):
            return (pid, None) if pid else (None, "provider not in providers.toml")
    return None, NO_KEYWORD


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def toml_list(items, key=""):
    """Inline when short, else one item a line (a re-run's diff then shows the names that changed)."""
    inline = "[" + ", ".join(toml_str(i) for i in items) + "]"
    if len(key) + 3 + len(inline) <= 100:
        return inline
    return "[\n" + "".join(f"  {toml_str(i)},\n" for i in items) + "]"


def cmd_merge(args):
    ids, entries = load_providers(args.providers)
    parts = [json.load(open(p)) for p in args.parts]
    lang = args.language
    packages = {}
    skipped = []
    models, clients, functions, unmapped, conflicts = {}, {}, {}, {}, []
    for part in parts:
        for name, version in part["packages"]:
            if name.lower().replace("_", "-") in part["wanted"] or args.all_packages:
                packages.setdefault(name, set()).add(version)
        skipped += [dict(s, group=part["group"]) for s in part["skipped"]]
    if args.skipped and os.path.exists(args.skipped):
        for line in open(args.skipped):
            if "\t" in line:
                pkg, reason = line.rstrip("\n").split("\t", 1)
                skipped.append({"package": pkg, "reason": reason})

    def assign(rec, is_model):
        """A model class's provider comes from its own module and name (a class of a
        multi-provider package re-exported elsewhere keeps its provider); an SDK client's or
        function's from providers.toml (the most specific entry that names it), else the same."""
        names = rec["names"]
        by_prefix = {n: prefix_provider(entries, lang, n) for n in names}
        pid, reason = classify(rec["defined"])
        if is_model and pid is None and reason == NO_KEYWORD:
            # no keyword names a provider: an entry of providers.toml may (`@ai-sdk/azure`)
            best = max((m for m in by_prefix.values() if m), key=lambda m: len(m[0]), default=None)
            if best:
                pid, reason = best[1], None
        if not is_model:
            best = max((m for m in by_prefix.values() if m), key=lambda m: len(m[0]), default=None)
            if best:
                pid, reason = best[1], None
        if pid is None:
            return None, reason, names
        assert pid in ids, pid
        keep = []
        for n in names:
            m = by_prefix[n]
            if m and m[1] != pid:
                conflicts.append(f"{n}: providers.toml says {m[1]} ({m[0]}), the class is {pid}'s ({rec['defined']})")
            else:
                keep.append(n)
        return pid, None, keep

    for part in parts:
        for rec in part["models"]:
            pid, reason, names = assign(rec, True)
            if pid is None:
                for n in names:
                    unmapped[n] = (reason, rec["kind"])
                continue
            key = (pid, rec["kind"], rec["defined"])
            models.setdefault(key, set()).update(names)
        for rec in part["clients"]:
            pid, reason, names = assign(rec, False)
            if pid is None:
                for n in names:
                    unmapped[n] = (reason, "client")
                continue
            key = (pid, rec["defined"])
            c = clients.setdefault(key, {"names": set(), "sends": set()})
            c["names"].update(names)
            c["sends"].update(m for m in rec["sends"] if not administers(m))
        for rec in part["functions"]:
            pid, reason, names = assign(rec, False)
            if pid is None:
                for n in names:
                    unmapped[n] = (reason, "function")
                continue
            # `openai.admin.organization.projects.create`: the module's default client's method.
            functions.setdefault(pid, set()).update(
                n for n in names if not administers(n.split(".", 1)[-1])
            )

    # one record per provider, kind and sends: classes with the same sends share a record
    lines = [
        "# Generated by scripts/sdk-tables/generate.sh from the published packages: do not edit by hand.",
        "# Which SDK classes, clients' methods and functions send data to a provider (AL401-AL403).",
        "# The provider of each name is providers.toml's (its longest prefix); a test checks they agree.",
    ]
    for s in sorted(skipped, key=lambda s: (s["package"], s["reason"])):
        lines.append(f"# skipped {s['package']}: {s['reason']}".replace("\n", " "))
    lines.append("")
    for name in sorted(packages):
        for v in sorted(packages[name]):
            lines += ["[[package]]", f'language = "{lang}"', f"name = {toml_str(name)}", f"version = {toml_str(v)}", ""]

    merged_models = {}
    for (pid, kind, _), names in models.items():
        merged_models.setdefault((pid, kind), set()).update(names)
    for (pid, kind) in sorted(merged_models):
        names = sorted(merged_models[(pid, kind)])
        if not names:
            continue
        lines += ["[[model]]", f'language = "{lang}"', f"provider = {toml_str(pid)}", f"kind = {toml_str(kind)}",
                  f"names = {toml_list(names, 'names')}", ""]
    merged_clients = {}
    for (pid, _), c in clients.items():
        k = (pid, tuple(sorted(c["sends"])))
        merged_clients.setdefault(k, set()).update(c["names"])
    for (pid, sends) in sorted(merged_clients, key=lambda k: (k[0], sorted(merged_clients[k] or [""])[0])):
        names = sorted(merged_clients[(pid, sends)])
        if not names:
            continue
        lines += ["[[client]]", f'language = "{lang}"', f"provider = {toml_str(pid)}", f"names = {toml_list(names, 'names')}",
                  f"sends = {toml_list(list(sends), 'sends')}", ""]
    for pid in sorted(functions):
        if not functions[pid]:
            continue
        lines += ["[[function]]", f'language = "{lang}"', f"provider = {toml_str(pid)}",
                  f"names = {toml_list(sorted(functions[pid]), 'names')}", ""]
    by_reason = {}
    for n, (reason, kind) in unmapped.items():
        by_reason.setdefault(reason.strip(), set()).add(n)
    for reason in sorted(by_reason):
        lines += ["[[unmapped]]", f'language = "{lang}"', f"reason = {toml_str(reason)}",
                  f"names = {toml_list(sorted(by_reason[reason]), 'names')}", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n")
    for c in sorted(set(conflicts)):
        log("left out (providers.toml disagrees): " + c)
    log(f"wrote {args.out}: {len(merged_models)} model, {len(merged_clients)} client, {len(functions)} function, "
        f"{len(by_reason)} unmapped records")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--group", required=True)
    c.add_argument("--packages", required=True)
    c.add_argument("--out", required=True)
    m = sub.add_parser("merge")
    m.add_argument("--providers", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--language", default="python")
    m.add_argument("--all-packages", action="store_true")
    m.add_argument("--skipped", help="lines `requirement<TAB>reason` of what did not install")
    m.add_argument("parts", nargs="+")
    args = ap.parse_args()
    {"collect": cmd_collect, "merge": cmd_merge}[args.cmd](args)


if __name__ == "__main__":
    main()
