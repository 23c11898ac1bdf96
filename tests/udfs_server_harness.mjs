// Runs xlwings Server's browser-side glue under node, against a live server, with
// Office stubbed: what Excel's custom-functions runtime would do, minus Excel.
//
//   node tests/udfs_server_harness.mjs http://127.0.0.1:PORT < cases.json
//
// cases.json: [{"id": "KPI_ROI", "args": [[[150]], [[100]]]}, ...], each argument as
// Excel hands it to a function declared "any"/"matrix" (null for a left-out one).
// Loads, from the server: the task pane's config (the JSON the page embeds),
// /static/js/utils.js (the XHR helper and the culture lookups the glue uses) and
// /xlwings/custom-functions-code.js (the glue and its CustomFunctions.associate
// calls). Prints {"requests": [...bodies posted...], "results": [...]}.
import vm from "node:vm";

const base = process.argv[2];
const requests = [];

// XMLHttpRequest over fetch: utils.js posts through it; each body is recorded.
class XMLHttpRequest {
  open(method, url) {
    Object.assign(this, { method, url, headers: {} });
  }
  setRequestHeader(key, value) {
    this.headers[key] = value;
  }
  getResponseHeader(name) {
    return this.responseHeaders.get(name);
  }
  send(body) {
    if (body != null) requests.push(JSON.parse(body));
    fetch(this.url, { method: this.method, headers: this.headers, body })
      .then(async (response) => {
        this.status = response.status;
        this.statusText = response.statusText;
        this.responseHeaders = response.headers;
        this.responseText = await response.text();
        this.onload();
      })
      .catch(() => this.onerror());
  }
}

class RequestContext {
  constructor() {
    const loadable = (fields) => ({ load() {}, ...fields });
    this.workbook = loadable({ name: "Enquete.xlsx" });
    this.application = {
      cultureInfo: loadable({
        name: "fr-FR",
        datetimeFormat: loadable({ shortDatePattern: "dd/MM/yyyy" }),
      }),
    };
  }
  async sync() {}
}

const registry = {};
class CustomFunctionsError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function text(path) {
  const response = await fetch(base + path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

function embeddedConfig(html) {
  const match = html.match(/<script id="config" type="application\/json">([\s\S]*?)<\/script>/);
  if (!match) throw new Error("no config in the task pane");
  return JSON.parse(match[1]);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

Object.assign(globalThis, {
  XMLHttpRequest,
  window: { location: { origin: base } },
  Excel: { RequestContext },
  Office: {
    onReady: (callback) => {
      if (callback) callback({ host: "Excel" });
      return Promise.resolve({ host: "Excel" });
    },
    context: {
      requirements: {
        isSetSupported: (name, version) =>
          (name === "CustomFunctionsRuntime" && Number(version) <= 1.4) ||
          (name === "ExcelApi" && Number(version) <= 1.12),
      },
    },
  },
  CustomFunctions: {
    associate: (id, fn) => {
      registry[id] = fn;
    },
    Error: CustomFunctionsError,
    ErrorCode: { invalidValue: "#VALUE!" },
  },
});

const cases = await readStdin();
globalThis.config = embeddedConfig(await text("/taskpane.html"));
const utils = await import(
  "data:text/javascript;base64," +
    Buffer.from(await text("/static/js/utils.js")).toString("base64")
);
globalThis.xlwings = utils;
vm.runInThisContext(await text("/xlwings/custom-functions-code.js"), {
  filename: "custom-functions-code.js",
});

const results = [];
for (const { id, args } of cases) {
  const invocation = { address: "Feuil1!B2" };
  try {
    results.push({ value: await registry[id](...args, invocation) });
  } catch (error) {
    results.push({ thrown: String(error.message || error) });
  }
}
process.stdout.write(JSON.stringify({ requests, results, registered: Object.keys(registry) }));
