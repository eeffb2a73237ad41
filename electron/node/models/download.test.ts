// Downloads against a loopback HTTP server in this test that serves the tiny model, with Range
// support, and modes that cut the connection mid-file, send wrong bytes, ignore Range, or go slowly.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../common/engine/types";
import { downloadFile, DownloadError, partialPath } from "./download";
import { buildTestModel } from "../engine/testModel";

type Mode = "normal" | "cut-once" | "cut-always" | "wrong-bytes" | "ignore-range" | "slow" | "stall";

const model = buildTestModel();
const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const sha256 = digest(model);
const CHUNK = 16 * 1024;

describe("downloadFile", () => {
  const state = { mode: "normal" as Mode, requests: [] as { range?: string; ifRange?: string }[], cuts: 0 };
  let server: Server;
  let url: string;
  let dir: string;
  let destination: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      state.requests.push({ range: req.headers.range, ifRange: req.headers["if-range"] as string | undefined });
      if (!req.url?.endsWith("/tiny.gguf")) {
        res.writeHead(404).end("not here");
        return;
      }
      const body = state.mode === "wrong-bytes" ? Buffer.from(model).fill(7, 5000, 6000) : model;
      const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      const start = match && state.mode !== "ignore-range" ? Number(match[1]) : 0;
      const headers = { "content-type": "application/octet-stream", etag: '"tiny-v1"', "accept-ranges": "bytes" };
      if (start >= body.length) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      const part = body.subarray(start);
      res.writeHead(start > 0 ? 206 : 200, {
        ...headers,
        "content-length": String(part.length),
        ...(start > 0 ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      const cut = state.mode === "cut-always" || (state.mode === "cut-once" && state.cuts === 0);
      let offset = 0;
      const pump = () => {
        if (offset >= part.length) {
          res.end();
          return;
        }
        if (state.mode === "stall" && offset >= 3 * CHUNK) return; // holds the connection, sends nothing more
        if (cut && offset >= part.length / 2) {
          state.cuts++;
          res.socket?.destroy();
          return;
        }
        res.write(part.subarray(offset, offset + CHUNK));
        offset += CHUNK;
        if (state.mode === "slow") setTimeout(pump, 15);
        else setImmediate(pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/user/repo/resolve/main/tiny.gguf`;
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-download-"));
  });

  beforeEach(async () => {
    state.mode = "normal";
    state.requests = [];
    state.cuts = 0;
    destination = path.join(dir, `model-${Math.random().toString(36).slice(2)}.gguf`);
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("downloads the file with progress events and checks its sha256", async () => {
    const events: DownloadProgress[] = [];
    const result = await downloadFile({ url, destination, sha256, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(digest(await readFile(destination))).toBe(sha256);
    expect(result).toMatchObject({ bytes: model.length, sha256, resumedFrom: 0, requests: 1 });
    expect(existsSync(partialPath(destination))).toBe(false);
    expect(events.length).toBeGreaterThan(2);
    const sizes = events.map((e) => e.downloadedBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ downloadedBytes: model.length, totalBytes: model.length, secondsLeft: 0 });
    expect(events.at(-1)!.bytesPerSecond).toBeGreaterThan(0);
  });

  it("cancels, keeps the partial file, and resumes from its bytes", async () => {
    state.mode = "slow";
    const controller = new AbortController();
    const first = downloadFile({
      url,
      destination,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.downloadedBytes >= 3 * CHUNK) controller.abort();
      },
    });
    await expect(first).rejects.toThrow(DownloadError);
    await expect(first).rejects.toMatchObject({ code: "cancelled" });
    await expect(first).rejects.toThrow(/kept in model-.*\.gguf\.partial: pull again to resume/);
    const kept = (await stat(partialPath(destination))).size;
    expect(kept).toBeGreaterThanOrEqual(3 * CHUNK);
    expect(kept).toBeLessThan(model.length);
    expect(existsSync(destination)).toBe(false);

    state.mode = "normal";
    state.requests = [];
    const result = await downloadFile({ url, destination, sha256 });
    expect(state.requests).toEqual([{ range: `bytes=${kept}-`, ifRange: '"tiny-v1"' }]);
    expect(result.resumedFrom).toBe(kept);
    expect(digest(await readFile(destination))).toBe(sha256);
  });

  it("keeps reporting while the server sends nothing: the bytes so far, and a speed that falls to zero", async () => {
    state.mode = "stall";
    const controller = new AbortController();
    const events: DownloadProgress[] = [];
    const download = downloadFile({
      url,
      destination,
      signal: controller.signal,
      progressIntervalMs: 20,
      speedWindowMs: 200,
      onProgress: (p) => {
        events.push(p);
        if (p.downloadedBytes === 3 * CHUNK && p.bytesPerSecond === 0) controller.abort();
      },
    });
    await expect(download).rejects.toMatchObject({ code: "cancelled" });
    const stalled = events.filter((e) => e.downloadedBytes === 3 * CHUNK);
    expect(stalled[0]!.bytesPerSecond).toBeGreaterThan(0);
    expect(stalled.at(-1)).toMatchObject({ bytesPerSecond: 0, secondsLeft: undefined });
  });

  it("resumes from a partial file left by an earlier run of the program, wherever it is kept", async () => {
    const partialFile = path.join(dir, "downloads", `${path.basename(destination)}.partial`);
    await mkdir(path.dirname(partialFile), { recursive: true });
    await writeFile(partialFile, model.subarray(0, 100_000));
    const result = await downloadFile({ url, destination, sha256, partialFile });
    expect(state.requests[0]?.range).toBe("bytes=100000-");
    expect(result.resumedFrom).toBe(100_000);
    expect(digest(await readFile(destination))).toBe(sha256);
    expect(existsSync(partialFile)).toBe(false);
  });

  it("resumes by itself when the connection drops in the middle", async () => {
    state.mode = "cut-once";
    const result = await downloadFile({ url, destination, sha256 });
    expect(state.cuts).toBe(1);
    expect(result.requests).toBe(2);
    expect(state.requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(digest(await readFile(destination))).toBe(sha256);
  });

  it("gives up after its retries with the bytes kept, and a later call finishes the file", async () => {
    state.mode = "cut-always";
    const error = await downloadFile({ url, destination, retries: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "network" });
    expect((error as Error).message).toMatch(/The connection dropped after .* MB of .* MB; the bytes are kept/);
    expect(existsSync(partialPath(destination))).toBe(true);
    state.mode = "normal";
    await downloadFile({ url, destination, sha256 });
    expect(digest(await readFile(destination))).toBe(sha256);
  });

  it("detects a corrupt download, deletes it and does not leave it as the model", async () => {
    state.mode = "wrong-bytes";
    const error = await downloadFile({ url, destination, sha256 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "corrupt" });
    expect((error as Error).message).toMatch(new RegExp(`is corrupt \\(sha256 [0-9a-f]{64}, expected ${sha256}\\); it was deleted`));
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partialPath(destination))).toBe(false);
  });

  it("deletes a complete file that fails the caller's last check", async () => {
    const error = await downloadFile({
      url,
      destination,
      verify: async () => {
        throw new Error("it lacks llama.feed_forward_length");
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "corrupt" });
    expect((error as Error).message).toMatch(/is corrupt \(it lacks llama\.feed_forward_length\); it was deleted/);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partialPath(destination))).toBe(false);
  });

  it("detects a file of the wrong size when there is no checksum", async () => {
    const error = await downloadFile({ url, destination, expectedSize: model.length + 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "corrupt" });
    expect((error as Error).message).toMatch(/bytes instead of/);
    expect(existsSync(destination)).toBe(false);
  });

  it("starts again from zero when the server ignores the Range request", async () => {
    await writeFile(partialPath(destination), Buffer.alloc(50_000, 1));
    state.mode = "ignore-range";
    const result = await downloadFile({ url, destination, sha256 });
    expect(state.requests[0]?.range).toBe("bytes=50000-");
    expect(digest(await readFile(destination))).toBe(sha256);
    expect(result.sha256).toBe(sha256);
  });

  it("reports a missing file", async () => {
    const error = await downloadFile({ url: url.replace("tiny.gguf", "other.gguf"), destination }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "http" });
    expect((error as Error).message).toMatch(/answered not found/);
  });
});
