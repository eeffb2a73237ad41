// ESLint rule that enforces the layer table of docs/ARCHITECTURE.md: a folder's name says which
// runtime its code may use, and so what it may import. Inside electron/node, the floors: a part may
// import only the parts on lower floors (and itself), never one above it or beside it.
import { builtinModules } from "node:module";
import path from "node:path";

const LAYERS = [
  { name: "electron/common", dir: "electron/common/" },
  { name: "electron/node", dir: "electron/node/" },
  { name: "electron/main", dir: "electron/main/" },
  { name: "electron/preload", dir: "electron/preload/" },
  { name: "renderer", dir: "renderer/" },
];

/** Which layers each layer may import, and which packages (null: any package not denied). */
const POLICY = {
  "electron/common": { layers: ["electron/common"], packages: ["zod"], builtins: false, electron: false },
  "electron/node": { layers: ["electron/common", "electron/node"], packages: null, builtins: true, electron: false },
  "electron/main": { layers: ["electron/common", "electron/node", "electron/main"], packages: null, builtins: true, electron: true },
  "electron/preload": { layers: ["electron/common", "electron/preload"], packages: null, builtins: true, electron: true },
  renderer: { layers: ["electron/common", "renderer"], packages: null, builtins: false, electron: false },
};

/**
 * The floors of electron/node, lowest first: `base` (service container, paths, atomic writes, file
 * errors), `engine` (inference, GGUF, hardware), `models` (the loaded model, catalog, downloads, the
 * probe), `generation` and `export` (the writing loop; exporters and import), `eval` and `projects`,
 * `report`, `app` and `server` (the wiring; web mode), `cli`. Parts on one floor do not import each other.
 */
export const NODE_FLOORS = { base: 0, engine: 1, models: 2, generation: 3, export: 3, eval: 4, projects: 4, report: 5, app: 6, server: 6, cli: 7 };

/** Packages that only run in Node, never in a browser. */
const NODE_ONLY_PACKAGES = ["node-llama-cpp", "ws", "electron-builder", "electron-log"];

/** Test files may also use the test tools, wherever they live. */
const TEST_PACKAGES = ["vitest", "fast-check"];
const TEST_FILE = /\.test\.tsx?$/;

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(relPath) {
  const p = relPath.split(path.sep).join("/");
  return LAYERS.find((l) => p.startsWith(l.dir))?.name;
}

/** The part of electron/node a path is in ("engine", "models", …), or undefined outside it; "" for a file right in it. */
function nodePart(relPath) {
  const p = relPath.split(path.sep).join("/");
  if (!p.startsWith("electron/node/")) return undefined;
  const rest = p.slice("electron/node/".length);
  return rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : "";
}

/** Reports an import inside electron/node that goes up or sideways, or from or to a part without a floor. */
function checkFloors(context, node, file, target, spec) {
  const from = nodePart(file);
  const to = nodePart(target);
  if (from === undefined || to === undefined || from === to) return;
  for (const part of [from, to]) {
    if (!Object.hasOwn(NODE_FLOORS, part)) {
      context.report({ node, messageId: "noFloor", data: { part: part || path.basename(file), spec } });
      return;
    }
  }
  if (NODE_FLOORS[to] >= NODE_FLOORS[from]) context.report({ node, messageId: "floor", data: { from, to, spec } });
}

function packageName(spec) {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** @type {import("eslint").Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: "problem",
    docs: { description: "enforce the runtime layers: common, node, main, preload, renderer" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
    messages: {
      layer: "{{from}} may not import from {{to}} ({{spec}}). See docs/ARCHITECTURE.md, layers.",
      floor: "electron/node/{{from}} may not import from electron/node/{{to}} ({{spec}}): a part imports only from the floors below it. See docs/ARCHITECTURE.md, floors.",
      noFloor: "electron/node/{{part}} has no floor ({{spec}}): add it to NODE_FLOORS in scripts/eslint/layers.js and to docs/ARCHITECTURE.md.",
      builtin: "{{from}} runs without Node.js and may not import the Node built-in '{{spec}}'.",
      electron: "{{from}} may not import 'electron': only electron/main and electron/preload run inside Electron.",
      package: "{{from}} may not import the package '{{spec}}'{{why}}.",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = path.relative(root, context.filename);
    const from = layerOf(file);
    if (!from) return {};
    const policy = POLICY[from];

    function check(node, spec) {
      if (typeof spec !== "string") return;
      if (spec.startsWith(".") || spec.startsWith("/")) {
        const target = path.relative(root, path.resolve(path.dirname(context.filename), spec));
        const to = layerOf(target) ?? target.split(path.sep).join("/");
        if (!policy.layers.includes(to)) context.report({ node, messageId: "layer", data: { from, to, spec } });
        else checkFloors(context, node, file, target, spec);
        return;
      }
      if (BUILTINS.has(spec)) {
        if (!policy.builtins) context.report({ node, messageId: "builtin", data: { from, spec } });
        return;
      }
      const pkg = packageName(spec);
      if (pkg === "electron") {
        if (!policy.electron) context.report({ node, messageId: "electron", data: { from } });
        return;
      }
      if (TEST_FILE.test(file) && TEST_PACKAGES.includes(pkg)) return;
      if (policy.packages && !policy.packages.includes(pkg)) {
        context.report({ node, messageId: "package", data: { from, spec, why: ": pure code imports nothing outside itself but " + policy.packages.join(", ") } });
        return;
      }
      if (!policy.builtins && NODE_ONLY_PACKAGES.includes(pkg)) {
        context.report({ node, messageId: "package", data: { from, spec, why: ": it runs only in Node.js" } });
      }
    }

    const source = (node) => check(node.source, node.source?.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: (node) => node.source && source(node),
      ExportAllDeclaration: source,
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      CallExpression(node) {
        const arg = node.arguments[0];
        if (node.callee.type === "Identifier" && node.callee.name === "require" && arg?.type === "Literal") check(arg, arg.value);
      },
    };
  },
};

export default { rules: { layers: layersRule } };
