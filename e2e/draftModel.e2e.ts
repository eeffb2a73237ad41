// "Speed up with a draft model" end to end in web mode: a catalog model names its draft model; the model
// manager offers it with its size, downloads it from a loopback stand-in for Hugging Face like any
// model, counts it in the fit estimate once the writer uses it, and loads the model with it through
// node-llama-cpp (speculative decoding). A draft model of another vocabulary is refused with the reason,
// and the model in use stays loaded.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeTestModel } from "../electron/node/engine/testModel";
import { collectPageErrors, openDialog, openWindow, shoot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";
const REPO = "/draftline-test/tiny-GGUF/resolve/main/";

/** The loopback Hugging Face: serves each file whole (and a range of it when asked). */
async function startHub(files: Record<string, Buffer>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? "").startsWith(REPO) ? (req.url ?? "").slice(REPO.length) : "";
    const body = files[name];
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const headers = { "content-length": String(body.length - start), "accept-ranges": "bytes", "content-type": "application/octet-stream" };
    if (range) res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
    else res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let work: string;
let hub: { server: Server; url: string };
let app: ServedApp;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-draft-"));
  const models = path.join(work, "models");
  await mkdir(models);
  // The writer's model is already in the models folder; its draft (same vocabulary, other weights) and
  // a model of another vocabulary (fewer merges) are on the hub.
  await writeTestModel(path.join(models, "tiny-writer.gguf"));
  await writeTestModel(path.join(work, "tiny-draft.gguf"), { seed: 7 });
  await writeTestModel(path.join(work, "other-vocab.gguf"), { seed: 7, merges: 40 });
  const files = { "tiny-draft.gguf": await readFile(path.join(work, "tiny-draft.gguf")), "other-vocab.gguf": await readFile(path.join(work, "other-vocab.gguf")) };
  hub = await startHub(files);
  const entry = (id: string, name: string, file: string, extra: object) => ({
    id,
    name,
    description: `${name}, for the test.`,
    file,
    quantization: "F32",
    license: "MIT",
    profile: "native",
    promptFormat: { kind: "chat-template", name: "ChatML" },
    recommended: { contextSize: 2048, sampling: {} },
    ...extra,
  });
  const hf = (file: string) => ({ source: { kind: "huggingface", uri: `hf:draftline-test/tiny-GGUF/${file}`, verified: true, sha256: createHash("sha256").update(files[file as keyof typeof files]).digest("hex") }, sizeBytes: files[file as keyof typeof files].length });
  const catalog = {
    version: 1,
    models: [
      entry("tiny-writer", "Tiny Writer", "tiny-writer.gguf", { draftModel: "tiny-draft", source: { kind: "bring-your-own", instructions: "Put it in the models folder." } }),
      entry("tiny-draft", "Tiny Draft", "tiny-draft.gguf", { draftOnly: true, ...hf("tiny-draft.gguf") }),
      entry("other-vocab", "Other Vocabulary", "other-vocab.gguf", { draftOnly: true, ...hf("other-vocab.gguf") }),
    ],
  };
  await writeFile(path.join(work, "catalog.json"), JSON.stringify(catalog, null, 2));
  app = await serveApp({ DRAFTLINE_CATALOG: path.join(work, "catalog.json"), DRAFTLINE_HF_ENDPOINT: hub.url, DRAFTLINE_MODELS_DIR: models });
});

test.afterAll(async () => {
  await app?.stop();
  if (hub) {
    hub.server.closeAllConnections();
    await new Promise<void>((resolve) => hub.server.close(() => resolve()));
  }
  if (work) await rm(work, { recursive: true, force: true });
});

test("a catalog model's draft model is offered with its size, downloaded, counted in the fit and loaded; another vocabulary is refused", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const slow = { timeout: 120_000 };
  const errors = collectPageErrors(page);
  await openWindow(page, app);
  const models = await openDialog(page, "Models");
  const writer = models.locator("li.model-item").filter({ hasText: "Tiny Writer" });
  const offer = writer.getByRole("group", { name: "Speed up with a draft model" });

  // The offer names the draft model and its size; it is not here yet: download it like any model.
  await expect(offer).toContainText(/Tiny Draft \(\d+(\.\d+)? [KM]B\)/, slow);
  await offer.getByRole("button", { name: /Download Tiny Draft/ }).click();
  await expect(offer.getByRole("button", { name: "Use Tiny Draft as the draft model" })).toBeVisible(slow);
  await expect(models.locator("li.model-item").filter({ hasText: "Tiny Draft" }).locator(".chip").first()).toHaveText("ready");

  // Using it: the fit estimate counts the draft model's memory beside the model's.
  await offer.getByRole("button", { name: "Use Tiny Draft as the draft model" }).click();
  await expect(offer).toContainText("Tiny Draft drafts for this model when you load it");
  await expect(writer.locator(".fit")).toContainText(/of which the draft model and its context: [\d.]+ [KMG]?B RAM/, slow);
  await expect(models.getByLabel("Draft model (speculative decoding)")).toHaveValue("tiny-draft");
  await shoot(page, testInfo, "draft-01-offer", { fullPage: true });

  // Loaded with the draft model.
  await writer.getByRole("button", { name: "Load", exact: true }).click();
  await expect(models.locator(".loaded-model")).toContainText(/tiny/i, slow);

  // Another vocabulary cannot draft for it: refused with the reason, and the model in use stays loaded.
  const other = models.locator("li.model-item").filter({ hasText: "Other Vocabulary" });
  await other.getByRole("button", { name: "Download", exact: true }).click();
  await expect(other.locator(".chip").first()).toHaveText("ready", slow);
  await models.getByLabel("Draft model (speculative decoding)").selectOption("other-vocab");
  await writer.getByRole("button", { name: "Load", exact: true }).click();
  await expect(models.getByText(/The draft model is refused: other-vocab\.gguf cannot draft for tiny-writer\.gguf: its /)).toBeVisible(slow);
  await expect(models.locator(".loaded-model")).toContainText(/tiny/i);
  await shoot(page, testInfo, "draft-02-refused", { fullPage: true });
  expect(errors).toEqual([]);
});
