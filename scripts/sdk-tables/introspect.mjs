// Introspect installed npm SDKs: which classes, client methods and functions send data to an LLM
// provider. Run by generate.sh (copied into the temporary npm project, so that its imports resolve
// there), never by CI, and never against the network.
//
//   node introspect.mjs --project DIR --packages packages-npm.txt --out js.json
//
// It writes the same JSON as `introspect.py collect`; `introspect.py merge --language javascript`
// maps it to providers.toml and writes rules/data/sdks/javascript.toml.
//
// Names: `<package>.<Export>` for named exports, the bare package name for the default export,
// `<package>/<subpath>.<Export>` for subpath exports.
//
// How "sends" is decided. Clients are constructed with a fake key (the constructors do no I/O; the
// introspection runs without network where generate.sh can arrange it) and their resources are
// walked (own properties, getters and prototype methods, depth <= 4). A method sends when its source
// (Function.prototype.toString):
//   post   calls `.post(` / `._post(` with a request body (an argument mentioning `body`, or a second
//          argument that is not the request options): Stainless SDKs (openai, @anthropic-ai/sdk,
//          groq-sdk, together-ai, @cerebras/cerebras_cloud_sdk) and @coze/api. A POST without a
//          body (`/jobs/${id}/cancel`) does not count.
//   method builds a request object with `method: "POST"` (or `httpMethod: 'POST'`) and a body
//          (`body`, `data`, `json`, `formData`): @google/genai, cohere-ai (Fern), replicate,
//          @mistralai/mistralai (Speakeasy `funcs/*`), @google/generative-ai and
//          @huggingface/inference (through their module-level request helpers).
//   forward passes the client (or the resource) and the request body to a helper
//          (`ChatCompletionStream.createChatCompletion(this._client, body)`, `MessageStream.createMessage(this, params)`).
//   websocket opens a WebSocket.
// and transitively when it calls a method that sends (`this.x.y(...)`, resolved on the live
// object), a function of the package that sends (found by name in the package's files, for
// module-private helpers and bound functions), a path that sends on a client of the same SDK
// (`client.chat.completions.create(...)`), or constructs one of the package's exported classes
// with a method that sends (a session factory: `chats.create()` returns a Chat whose
// `sendMessage` posts). Operations that by name only identify a resource (delete, cancel,
// retrieve, get, list, ...) never count.
//
// Models: @langchain/* exports whose prototype chain has BaseChatModel, BaseLLM/LLM or Embeddings;
// @ai-sdk/* and @openrouter/ai-sdk-provider provider instances (a function with `languageModel`)
// and their `create*` factories; @openai/agents Model classes (getResponse/getStreamedResponse).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const project = path.resolve(args.project || ".");
const require = createRequire(path.join(project, "package.json"));
const log = (...a) => console.error("introspect.mjs:", ...a);

// Fake keys, for constructors that read the environment. Nothing is ever sent with them.
Object.assign(process.env, {
  OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "x", GROQ_API_KEY: "x", TOGETHER_API_KEY: "x", CEREBRAS_API_KEY: "x",
  MISTRAL_API_KEY: "x", CO_API_KEY: "x", COHERE_API_KEY: "x", REPLICATE_API_TOKEN: "x", GOOGLE_API_KEY: "x",
  GEMINI_API_KEY: "x", HF_TOKEN: "x", COZE_API_TOKEN: "x", LANGCHAIN_TRACING_V2: "false", DO_NOT_TRACK: "1",
});

// Clients: export names (of "."), constructor arguments to try.
const SDKS = {
  openai: { clients: ["default", "OpenAI", "AzureOpenAI"], ctor: [[{ apiKey: "x" }], [{ apiKey: "x", endpoint: "https://example.invalid", apiVersion: "2024-10-21" }]] },
  "@anthropic-ai/sdk": { clients: ["default", "Anthropic"], ctor: [[{ apiKey: "x" }]] },
  "groq-sdk": { clients: ["default", "Groq"], ctor: [[{ apiKey: "x" }]] },
  "together-ai": { clients: ["default", "Together"], ctor: [[{ apiKey: "x" }]] },
  "@cerebras/cerebras_cloud_sdk": { clients: ["default", "Cerebras"], ctor: [[{ apiKey: "x", warmTCPConnection: false }], [{ apiKey: "x" }]] },
  "@google/genai": { clients: ["GoogleGenAI"], ctor: [[{ apiKey: "x" }]] },
  "@google/generative-ai": { clients: ["GoogleGenerativeAI", "GenerativeModel"], ctor: [["x"], ["x", { model: "gemini-x" }]] },
  "@mistralai/mistralai": { clients: ["Mistral"], ctor: [[{ apiKey: "x" }]] },
  "cohere-ai": { clients: ["CohereClient", "CohereClientV2"], ctor: [[{ token: "x" }]] },
  "@huggingface/inference": { clients: ["InferenceClient", "HfInference"], ctor: [["x"]], functions: true },
  replicate: { clients: ["default"], ctor: [[{ auth: "x" }]] },
  "@coze/api": { clients: ["CozeAPI"], ctor: [[{ token: "x" }]] },
};

const IDENTIFYING_VERBS = /^(delete|cancel|retrieve|get|list|undelete|pause|resume|clear|unpublish|rollback|poll|wait|health|close|revoke)([A-Z_]|$)/;
const GENERIC_HTTP = /^_?(get|post|put|patch|delete|request|makeRequest|fetch|fetchWithAuth|buildRequest|streamingRequest|getAPIList|methodRequest)$/;
const NOT_FOLLOWED = /auth|token|header|login|logout|credential|whoami|session|config|env|telemetry/i;
const SKIP_KEYS = new Set(["withResponse", "asResponse", "withOptions", "constructor", "fetch", "logger", "apiClient",
  "_client", "client", "parent", "root"]);
const OPTIONS_ARG = /^\s*(options|opts|requestOptions|undefined|void 0)\b|resolveResourceRequestOptions\(\s*options\b(?![\s\S]*\bbody\b)/;

// ---------- source helpers ----------
function skipString(src, i) {
  const q = src[i];
  for (let j = i + 1; j < src.length; j++) {
    if (src[j] === "\\") { j++; continue; }
    if (q === "`" && src[j] === "$" && src[j + 1] === "{") { j = balanced(src, j + 1, "{", "}"); continue; }
    if (src[j] === q) return j;
  }
  return src.length;
}
// index of the bracket closing the one at `i`
function balanced(src, i, open, close) {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '"' || c === "'" || c === "`") { j = skipString(src, j); continue; }
    if (c === "/" && src[j + 1] === "/") { j = src.indexOf("\n", j); if (j < 0) return src.length; continue; }
    if (c === "/" && src[j + 1] === "*") { j = src.indexOf("*/", j + 2) + 1; if (j <= 0) return src.length; continue; }
    if (c === open) depth++;
    else if (c === close) { depth--; if (depth === 0) return j; }
  }
  return src.length;
}
function splitTopLevel(s) {
  const out = []; let depth = 0, start = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    if (c === '"' || c === "'" || c === "`") { j = skipString(s, j); continue; }
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) { out.push(s.slice(start, j)); start = j + 1; }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter(Boolean);
}
function callArgs(src, re) {
  const out = [];
  for (const m of src.matchAll(re)) {
    const open = m.index + m[0].length - 1;
    out.push(src.slice(open + 1, balanced(src, open, "(", ")")));
  }
  return out;
}
// the object literal around position i
function enclosingObject(src, i) {
  let depth = 0;
  for (let j = i; j >= 0; j--) {
    if (src[j] === "}") depth++;
    else if (src[j] === "{") { if (depth === 0) return src.slice(j, balanced(src, j, "{", "}") + 1); depth--; }
  }
  return "";
}

function directSends(src) {
  for (const a of callArgs(src, /\.\s*_?post\s*\(/g)) {
    const parts = splitTopLevel(a);
    if (/\bbody\b|\bformData\b|\bpayload\b/.test(a)) return "post";
    if (parts.length >= 2 && !OPTIONS_ARG.test(parts[1])) return "post";
  }
  for (const m of src.matchAll(/(?:httpMethod|method)\s*:\s*["'`]post["'`]/gi)) {
    const obj = enclosingObject(src, m.index);
    if (/\b(body|data|json|formData)\b/.test(obj.replace(m[0], ""))) return "method";
  }
  // (url, "POST", body) argument lists: makeRequest(apiUrl, 'POST', body, ...)
  for (const m of src.matchAll(/\(\s*[\w.$`{}/]+\s*,\s*["']POST["']\s*,\s*(\w+)/g)) {
    if (!/^(undefined|null|void)$/.test(m[1])) return "method";
  }
  if (/\(\s*this(\._client)?\s*,\s*(body|params)\b/.test(src)) return "forward";
  if (/new\s+\w*WebSocket\w*\s*\(|webSocketFactory\s*\.\s*create\s*\(/.test(src)) return "websocket";
  return null;
}

// ---------- the package's own functions, by name (module-private helpers, bound functions) ----------
const indexes = new Map();
function packageDir(pkg) {
  try { return path.dirname(require.resolve(`${pkg}/package.json`)); } catch { }
  const d = path.join(project, "node_modules", pkg);
  return fs.existsSync(d) ? d : null;
}
function packageIndex(pkg) {
  if (indexes.has(pkg)) return indexes.get(pkg);
  const idx = new Map();
  const dir = packageDir(pkg);
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(c|m)?js$/.test(e.name) && !/\.min\.js$/.test(e.name) && fs.statSync(p).size < 4e6) {
        const src = fs.readFileSync(p, "utf8");
        for (const m of src.matchAll(/(?:async\s+)?function\s*\*?\s*([$\w]+)\s*\(/g)) {
          const open = m.index + m[0].length - 1;
          const close = balanced(src, open, "(", ")");
          const brace = src.indexOf("{", close);
          if (brace < 0) continue;
          const body = src.slice(m.index, balanced(src, brace, "{", "}") + 1);
          if (!idx.has(m[1])) idx.set(m[1], []);
          idx.get(m[1]).push({ body, file: p });
        }
      }
    }
  };
  if (dir) walk(dir);
  indexes.set(pkg, idx);
  return idx;
}

class Analyzer {
  constructor(pkg, exportsObj) {
    this.pkg = pkg;
    this.exports = exportsObj;
    this.memo = new Map();
    this.sendingNames = new Set();
    this.sendingPaths = new Set();
    this.classMemo = new Map();
  }
  // ctx: the object `this` refers to (a live object, or a prototype for a class)
  sends(fn, ctx, depth = 0) {
    const key = fn;
    if (this.memo.has(key)) return this.memo.get(key);
    this.memo.set(key, false);
    let src;
    try { src = Function.prototype.toString.call(fn); } catch { return false; }
    let result = false;
    const bound = /^bound (.+)$/.exec(fn.name || "");
    if (/\[native code\]/.test(src) && bound) {
      result = this.sendsByName(bound[1], depth) || this.sendingNames.has(bound[1]);
    }
    else result = this.sendsSource(src, ctx, depth);
    this.memo.set(key, result);
    return result;
  }
  sendsByName(name, depth, file = null) {
    if (depth > 12 || NOT_FOLLOWED.test(name) || GENERIC_HTTP.test(name)) return false;
    let defs = packageIndex(this.pkg).get(name) || [];
    // a helper of the same file first (Speakeasy's `funcs/*.js` each define their own `$do`)
    const local = file ? defs.filter((d) => d.file === file) : [];
    if (local.length) defs = local;
    if (defs.length === 0 || defs.length > 8) return false;  // (a name defined in many places is too generic)
    const key = `#name:${name}:${local.length ? file : ""}`;
    if (this.memo.has(key)) return this.memo.get(key);
    this.memo.set(key, false);
    const r = defs.some((d) => this.sendsSource(d.body, null, depth + 1, d.file));
    this.memo.set(key, r);
    return r;
  }
  sendsSource(src, ctx, depth, file = null) {
    if (depth > 12) return false;
    if (directSends(src)) return true;
    // this.a.b(...) on the live object
    for (const m of src.matchAll(/\bthis((?:\s*\.\s*[#$\w]+)+)\s*\(/g)) {
      const chain = m[1].split(".").map((s) => s.trim()).filter(Boolean);
      let obj = ctx, holder = ctx, ok = ctx != null;
      for (const p of chain) {
        if (!ok) break;
        try { holder = obj; obj = obj?.[p]; } catch { ok = false; }
        if (obj == null) ok = false;
      }
      const last = chain[chain.length - 1];
      // generic HTTP helpers (`this._client.get(...)`): the call site's own method decides
      if (GENERIC_HTTP.test(last)) continue;
      if (ok && typeof obj === "function") {
        if (this.sends(obj, holder, depth + 1)) return true;
      } else if (!ok && this.sendingNames.has(chain[chain.length - 1]) && !chain[chain.length - 1].startsWith("_") && chain.length > 1) {
        return true; // a session object's `this.models.generateContent(...)`, resolved by name
      }
    }
    // client.chat.completions.create(...) on a client the function was given
    for (const m of src.matchAll(/\b[$\w]+((?:\.[$\w]+){2,})\s*\(/g)) {
      if (this.sendingPaths.has(m[1].slice(1))) return true;
      const rest = m[1].slice(1).split(".");
      if (rest.length >= 2 && this.sendingPaths.has(rest.slice(1).join("."))) return true;
    }
    // module-private functions of the package, by name
    for (const m of src.matchAll(/(?<![.$\w]|new\s)([$A-Za-z_][$\w]*)\s*\(/g)) {
      const n = m[1];
      if (/^(function|if|for|while|switch|return|catch|await|typeof|super|async|yield|require|Promise|Object|Array|JSON|String|Number|Boolean|Error|Symbol)$/.test(n)) continue;
      if (this.sendsByName(n, depth, file)) return true;
    }
    // session factories: new X(...) of an exported class with a method that sends
    for (const m of src.matchAll(/\bnew\s+([$\w]+)(?:\.([$\w]+))?\s*\(/g)) {
      const cls = m[2] ? this.exports[m[2]] : this.exports[m[1]];
      if (typeof cls === "function" && this.classSends(cls, depth)) return true;
    }
    return false;
  }
  // does fn construct one of the package's classes with a method that sends (a session factory)?
  isFactory(fn) {
    let src;
    try { src = Function.prototype.toString.call(fn); } catch { return false; }
    for (const m of src.matchAll(/\bnew\s+([$\w]+)(?:\.([$\w]+))?\s*\(/g)) {
      const cls = m[2] ? this.exports[m[2]] : this.exports[m[1]];
      if (typeof cls === "function" && this.classSends(cls, 0)) return true;
    }
    return false;
  }
  classSends(cls, depth) {
    if (this.classMemo.has(cls)) return this.classMemo.get(cls);
    this.classMemo.set(cls, false);
    let r = false;
    for (const [name, fn] of protoMethods(cls.prototype)) {
      if (IDENTIFYING_VERBS.test(name)) continue;
      if (this.sends(fn, cls.prototype, depth + 1)) { r = true; break; }
    }
    this.classMemo.set(cls, r);
    return r;
  }
}

function protoMethods(proto) {
  const out = [];
  const seen = new Set();
  for (let p = proto; p && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (seen.has(name) || name === "constructor" || name.startsWith("_") || name.startsWith("#")) continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d && typeof d.value === "function") { seen.add(name); out.push([name, d.value]); }
    }
  }
  return out;
}

function isResource(v) {
  return v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set) &&
    !(v instanceof Date) && !(v instanceof RegExp) && !(typeof Buffer !== "undefined" && Buffer.isBuffer(v)) &&
    !ArrayBuffer.isView(v);
}

function walkResources(client, maxDepth = 4) {
  // breadth first, so that a resource is named by its shortest path (`models`, not
  // `chats.modelsModule`), and never through the client's collaborators (apiClient, ...)
  const found = new Map();
  const seen = new Set([client]);
  for (const k of SKIP_KEYS) { try { if (client[k] && typeof client[k] === "object") seen.add(client[k]); } catch { } }
  let level = [[client, ""]];
  for (let depth = 0; depth <= maxDepth && level.length; depth++) {
    const next = [];
    for (const [obj, prefix] of level) {
      const names = new Set(Object.getOwnPropertyNames(obj));
      for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const n of Object.getOwnPropertyNames(p)) names.add(n);
      }
      for (const name of [...names].sort()) {
        if (name.startsWith("_") || name.startsWith("#") || SKIP_KEYS.has(name) || /(Internal|Factory)$/.test(name)) continue;
        // the client's generic HTTP helpers (`client.post(path, ...)`) are not its API
        if (depth === 0 && /^(get|post|put|patch|delete|request|getAPIList|makeRequest|buildRequest|buildURL|paginate|fetchWithTimeout|streamingRequest)$/.test(name)) continue;
        let v;
        try { v = obj[name]; } catch { continue; }
        const p = prefix + name;
        if (typeof v === "function") {
          if (!/^[A-Z]/.test(name)) found.set(p, [v, obj, name]);
        } else if (depth < maxDepth && isResource(v) && !seen.has(v) && !(v.constructor && v.constructor === client.constructor)) {
          seen.add(v);
          next.push([v, p + "."]);
        }
      }
    }
    level = next;
  }
  return found;
}

// ---------- exports of a package and its subpaths ----------
async function loadModule(spec) {
  try {
    return await import(spec);
  } catch (e) {
    try { return await import(pathToFileURL(require.resolve(spec)).href); } catch { }
    throw e;
  }
}

function subpaths(pkg) {
  const dir = packageDir(pkg);
  if (!dir) return ["."];
  const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const ex = pj.exports;
  if (!ex || typeof ex === "string" || !Object.keys(ex).some((k) => k.startsWith("."))) return ["."];
  return Object.keys(ex).filter((k) => k.startsWith(".") && !k.includes("*") && !/package\.json|internal|_vendor|_shims|testing|\.m?js$/.test(k));
}

function exportName(pkg, sub, name) {
  const base = sub === "." ? pkg : `${pkg}/${sub.replace(/^\.\//, "")}`;
  return name === "default" ? base : `${base}.${name}`;
}

function version(pkg) {
  const dir = packageDir(pkg);
  if (!dir) return null;
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

async function loadAll(pkg, filter = () => true) {
  const mods = [];
  for (const sub of subpaths(pkg)) {
    if (!filter(sub)) continue;
    const spec = sub === "." ? pkg : `${pkg}/${sub.replace(/^\.\//, "")}`;
    try { mods.push([sub, await loadModule(spec)]); } catch (e) {
      if (sub === ".") throw e;
      const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(e));
      out.skipped.push({ package: spec, reason: missing ? `needs the optional dependency ${missing[1]}` : `does not import: ${String(e).slice(0, 120)}` });
    }
  }
  return mods;
}

function namesOf(mods, pkg, value) {
  const out = new Set();
  for (const [sub, mod] of mods) {
    for (const k of Object.keys(mod)) {
      let v;
      try { v = mod[k]; } catch { continue; }
      if (v === value) {
        // a CommonJS module's namespace repeats its default export's members: keep the default
        out.add(exportName(pkg, sub, k));
      }
    }
  }
  return [...out].sort();
}

// ---------- collect ----------
const out = { group: "npm", packages: [], models: [], clients: [], functions: [], skipped: [], wanted: [] };
const wanted = fs.readFileSync(args.packages, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
out.wanted = wanted.map((w) => w.toLowerCase());

async function collectSdk(pkg, conf) {
  const mods = await loadAll(pkg);
  const root = mods.find(([s]) => s === ".")[1];
  const an = new Analyzer(pkg, root);
  const clients = [];
  const seenCls = new Set();
  for (const name of conf.clients) {
    const cls = root[name];
    if (typeof cls !== "function" || seenCls.has(cls)) continue;
    seenCls.add(cls);
    let inst = null, err = "";
    for (const a of conf.ctor) {
      try { inst = new cls(...a); break; } catch (e) { err = String(e).slice(0, 160); }
    }
    if (!inst) { out.skipped.push({ package: pkg, reason: `cannot construct ${name}: ${err}` }); continue; }
    const methods = walkResources(inst);
    clients.push({ cls, name, methods });
  }
  for (let pass = 0; pass < 2; pass++) {
    an.memo.clear(); an.classMemo.clear();
    for (const c of clients) {
      c.sends = [...c.methods].filter(([, [fn, holder, name]]) => {
        if (IDENTIFYING_VERBS.test(name) && !an.isFactory(fn)) return false;
        if (an.sends(fn, holder)) return true;
        // a method the client builds from the package's exported function of the same name
        // (@huggingface/inference's InferenceClient wraps `chatCompletion`, ...)
        const f = root[name];
        return typeof f === "function" && !/^[A-Z]/.test(name) && an.sends(f, null);
      }).map(([p]) => p).sort();
      for (const p of c.sends) { an.sendingPaths.add(p); an.sendingNames.add(p.split(".").pop()); }
    }
  }
  for (const c of clients) {
    if (c.sends.length) out.clients.push({ names: namesOf(mods, pkg, c.cls), sends: c.sends, defined: exportName(pkg, ".", c.name), dist: pkg });
  }
  let nfun = 0;
  if (conf.functions) {
    for (const [k, v] of Object.entries(root)) {
      if (typeof v !== "function" || /^[A-Z]/.test(k) || k === "default" || IDENTIFYING_VERBS.test(k)) continue;
      if (an.sends(v, null) && !/makeRequestOptions|getProviderHelper/.test(k)) {
        out.functions.push({ names: namesOf(mods, pkg, v), defined: exportName(pkg, ".", k), dist: pkg });
        nfun++;
      }
    }
  }
  log(`${pkg} ${version(pkg)}: ${clients.length} clients, ${nfun} functions`);
}

function protoChainNames(cls) {
  const names = [];
  for (let p = cls; p && p !== Function.prototype; p = Object.getPrototypeOf(p)) names.push(p.name);
  return names;
}

async function collectLangchain(pkg) {
  const community = pkg === "@langchain/community";
  const mods = await loadAll(pkg, (s) => !community || /^\.\/(chat_models|llms|embeddings)\//.test(s));
  const seen = new Map();
  for (const [sub, mod] of mods) {
    for (const k of Object.keys(mod)) {
      let v;
      try { v = mod[k]; } catch { continue; }
      if (typeof v !== "function" || !v.prototype) continue;
      const chain = protoChainNames(v).slice(1);
      let kind = null;
      if (chain.includes("BaseChatModel") || chain.includes("BaseLLM")) kind = "llm";
      else if (chain.includes("Embeddings")) kind = "embeddings";
      if (!kind || /^(Base|Simple)/.test(v.name) && /Base(ChatModel|LLM)|SimpleChatModel/.test(v.name)) continue;
      if (!seen.has(v)) seen.set(v, { kind, names: new Set(), sub });
      seen.get(v).names.add(exportName(pkg, sub, k));
    }
  }
  for (const [v, r] of seen) {
    const names = [...r.names].sort();
    out.models.push({ names, kind: r.kind, defined: `${exportName(pkg, r.sub, v.name)}`, dist: pkg });
  }
  log(`${pkg} ${version(pkg)}: ${seen.size} model classes (${mods.length} entry points imported)`);
}

async function collectAiSdk(pkg) {
  const mods = await loadAll(pkg);
  const seen = new Map();
  for (const [sub, mod] of mods) {
    for (const k of Object.keys(mod)) {
      const v = mod[k];
      if (typeof v !== "function") continue;
      const isProvider = typeof v.languageModel === "function" || (typeof v.chat === "function" && !v.prototype?.doGenerate);
      const isFactory = /^create[A-Z]/.test(k);
      if (!isProvider && !isFactory) continue;
      if (!seen.has(v)) seen.set(v, { names: new Set(), sub, k });
      seen.get(v).names.add(exportName(pkg, sub, k));
    }
  }
  for (const [, r] of seen) out.models.push({ names: [...r.names].sort(), kind: "llm", defined: exportName(pkg, r.sub, r.k), dist: pkg });
  log(`${pkg} ${version(pkg)}: ${seen.size} providers and factories`);
}

async function collectAgents(pkg) {
  const mods = await loadAll(pkg, (s) => s === ".");
  const seen = new Map();
  for (const [sub, mod] of mods) {
    for (const k of Object.keys(mod)) {
      const v = mod[k];
      if (typeof v !== "function" || !v.prototype) continue;
      const ms = new Set(protoMethods(v.prototype).map(([n]) => n));
      if (!(ms.has("getResponse") && ms.has("getStreamedResponse"))) continue;
      if (!seen.has(v)) seen.set(v, { names: new Set(), k });
      seen.get(v).names.add(exportName(pkg, sub, k));
    }
  }
  for (const [, r] of seen) out.models.push({ names: [...r.names].sort(), kind: "llm", defined: exportName(pkg, ".", r.k), dist: pkg });
  log(`${pkg} ${version(pkg)}: ${seen.size} model classes`);
}

for (const pkg of wanted) {
  const v = version(pkg);
  if (!v) { out.skipped.push({ package: pkg, reason: "not installed" }); continue; }
  out.packages.push([pkg, v]);
  try {
    if (SDKS[pkg]) await collectSdk(pkg, SDKS[pkg]);
    else if (pkg.startsWith("@langchain/") && pkg !== "@langchain/core") await collectLangchain(pkg);
    else if (pkg.startsWith("@ai-sdk/") || pkg === "@openrouter/ai-sdk-provider") await collectAiSdk(pkg);
    else if (pkg === "@openai/agents") await collectAgents(pkg);
  } catch (e) {
    out.skipped.push({ package: pkg, reason: `introspection failed: ${String(e).slice(0, 200)}` });
    log(`${pkg}: ${e?.stack || e}`);
  }
}
fs.writeFileSync(args.out, JSON.stringify(out, null, 1));
// some SDKs keep timers or sockets' agents alive; nothing is pending that matters
process.exit(0);
