// Downloading model files: progress (bytes, total, speed, time left), cancel, resume (an HTTP Range
// request from the bytes already in `<file>.partial`, after a cancel, a dropped connection or a
// restart), and verification (size, sha256 when known, GGUF magic) before the file gets its final
// name. A corrupt download is deleted and reported, never left as the model file.
import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DownloadProgress } from "../../common/engine/types";

export type { DownloadProgress };

export type DownloadErrorCode = "cancelled" | "corrupt" | "http" | "network" | "disk";

export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DownloadOptions {
  url: string;
  /** The final path. Bytes go to `partialFile` until the file is complete and verified. */
  destination: string;
  /** Where the bytes go meanwhile (default `<destination>.partial`); must be on the same disk. */
  partialFile?: string;
  /** Expected size in bytes, when known (a different size is a corrupt download). */
  expectedSize?: number;
  /** Expected sha256 (hex), when known. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Automatic resumes after a dropped connection before giving up (default 3). */
  retries?: number;
  /** Least time between two progress events, in ms (default 250); the last one always comes. */
  progressIntervalMs?: number;
  /** The speed is measured over this last stretch of time (default 3 s), so a stall shows as a falling speed. */
  speedWindowMs?: number;
  headers?: Record<string, string>;
  /** A last check of the complete file before it gets its final name; a throw marks it corrupt. */
  verify?: (file: string) => Promise<void>;
}

export interface DownloadResult {
  file: string;
  bytes: number;
  sha256: string;
  /** Bytes that were already on disk when this call started (0 for a fresh download). */
  resumedFrom: number;
  /** HTTP requests made (more than one after a dropped connection). */
  requests: number;
}

/** Remembered next to the partial file, so a resume asks for the same version of the file. */
interface PartialInfo {
  url: string;
  etag?: string;
  totalBytes?: number;
}

export function partialPath(destination: string): string {
  return `${destination}.partial`;
}

function infoPath(partial: string): string {
  return `${partial}.json`;
}

/** The partial file of a model in a models folder: in its `downloads` folder (git-ignored in a checkout). */
export function modelPartialPath(modelsFolder: string, file: string): string {
  return path.join(modelsFolder, "downloads", `${file}.partial`);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function readPartialInfo(partial: string): Promise<PartialInfo | undefined> {
  try {
    const data = JSON.parse(await readFile(infoPath(partial), "utf8")) as PartialInfo;
    return typeof data.url === "string" ? data : undefined;
  } catch {
    return undefined;
  }
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function removeQuietly(...files: string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })));
}

/** Writes a chunk, waiting when the file stream's buffer is full. */
function write(stream: WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once("drain", resolve);
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** "bytes 100-199/1000" → { start: 100, total: 1000 } */
function parseContentRange(value: string | null): { start: number; total?: number } | undefined {
  const match = value ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[2] === "*" ? undefined : Number(match[2]) };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, destination, signal } = options;
  const partial = options.partialFile ?? partialPath(destination);
  await mkdir(path.dirname(partial), { recursive: true });
  const retries = options.retries ?? 3;
  const interval = options.progressIntervalMs ?? 250;
  const cancelled = (done: number) =>
    new DownloadError("cancelled", `Download cancelled; ${mb(done)} kept in ${path.basename(partial)}: pull again to resume.`);

  // Bytes from an earlier attempt count only if they are of the same URL.
  let info = await readPartialInfo(partial);
  let start = await sizeOf(partial);
  if (start > 0 && info && info.url !== url) {
    await removeQuietly(partial, infoPath(partial));
    start = 0;
    info = undefined;
  }
  info ??= { url };
  const resumedFrom = start;
  let hash = createHash("sha256");
  if (start > 0) await hashFile(partial, hash);

  let total = options.expectedSize ?? info.totalBytes;
  let done = start;
  let requests = 0;
  let attempt = 0;
  let lastEvent = 0;
  /** Bytes received in this call, for the speed. */
  let received = 0;
  const sessionStart = performance.now();
  const windowMs = options.speedWindowMs ?? 3000;
  /** (time, bytes received) at each event; the first is the last one at or before the window's start. */
  const samples: { at: number; bytes: number }[] = [{ at: sessionStart, bytes: 0 }];
  const progress = (final: boolean) => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!final && now - lastEvent < interval) return;
    lastEvent = now;
    samples.push({ at: now, bytes: received });
    while (samples.length > 2 && samples[1]!.at <= now - windowMs) samples.shift();
    const since = samples[0]!;
    const seconds = (now - since.at) / 1000;
    const bytesPerSecond = seconds > 0 ? (received - since.bytes) / seconds : 0;
    options.onProgress({
      downloadedBytes: done,
      totalBytes: total,
      bytesPerSecond,
      secondsLeft: total !== undefined && bytesPerSecond > 0 ? Math.max(0, (total - done) / bytesPerSecond) : undefined,
    });
  };

  for (;;) {
    if (signal?.aborted) throw cancelled(done);
    const headers: Record<string, string> = { ...options.headers };
    if (done > 0) {
      headers.range = `bytes=${done}-`;
      if (info.etag) headers["if-range"] = info.etag;
    }
    let response: Response;
    requests++;
    try {
      response = await fetch(url, { headers, signal, redirect: "follow" });
    } catch (error) {
      if (signal?.aborted) throw cancelled(done);
      if (attempt++ < retries) {
        await sleep(250 * attempt, signal);
        continue;
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new DownloadError("network", `Cannot download ${url}: ${cause ?? (error as Error).message}. Pull again to retry.`);
    }

    if (response.status === 416 && done > 0) {
      // Nothing left to send: the partial file may already be complete.
      const unsatisfied = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range")?.trim() ?? "");
      await response.body?.cancel();
      if (unsatisfied && Number(unsatisfied[1]) === done) {
        total = done;
        break;
      }
      await removeQuietly(partial, infoPath(partial));
      throw new DownloadError("corrupt", `The partial download of ${path.basename(destination)} did not match the file on the server; it was deleted. Pull again.`);
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      const what = response.status === 404 ? "not found" : `${response.status} ${response.statusText}`;
      throw new DownloadError("http", `The server answered ${what} for ${url}.`);
    }

    let append = false;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get("content-range"));
      if (!range || range.start !== done) {
        await response.body?.cancel();
        throw new DownloadError("http", `The server sent bytes from ${range?.start ?? "an unknown offset"} when asked for ${done} onwards.`);
      }
      total = range.total ?? total;
      append = true;
    } else {
      // A full answer: the server ignored the Range request, or the file changed since the partial.
      const length = Number(response.headers.get("content-length"));
      if (Number.isFinite(length) && length > 0) total = length;
      done = 0;
      hash = createHash("sha256");
    }
    info.etag = response.headers.get("etag") ?? undefined;
    info.totalBytes = total;
    await writeFile(infoPath(partial), JSON.stringify(info));

    const out = createWriteStream(partial, { flags: append ? "a" : "w" });
    let failure: unknown;
    // Events also while no bytes come: a stalled server shows as a speed falling to zero.
    const ticker = interval > 0 ? setInterval(() => progress(false), interval) : undefined;
    try {
      if (!response.body) throw new Error("empty response");
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await write(out, chunk);
        hash.update(chunk);
        done += chunk.length;
        received += chunk.length;
        progress(false);
      }
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(ticker);
      await close(out).catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure === undefined) break;
    if (signal?.aborted) throw cancelled(done);
    if ((failure as NodeJS.ErrnoException).code === "ENOSPC") throw new DownloadError("disk", `The disk is full: ${mb(done)} of ${path.basename(destination)} kept.`);
    if (attempt++ < retries) {
      await sleep(250 * attempt, signal);
      continue;
    }
    throw new DownloadError(
      "network",
      `The connection dropped after ${mb(done)}${total ? ` of ${mb(total)}` : ""}; the bytes are kept in ${path.basename(partial)}: pull again to resume.`,
    );
  }
  return finish();

  async function finish(): Promise<DownloadResult> {
    progress(true);
    const size = await sizeOf(partial);
    const sha256 = hash.digest("hex");
    const corrupt = async (why: string) => {
      await removeQuietly(partial, infoPath(partial));
      return new DownloadError("corrupt", `The download of ${path.basename(destination)} is corrupt (${why}); it was deleted. Pull again.`);
    };
    if (total !== undefined && size !== total) throw await corrupt(`${size} bytes instead of ${total}`);
    if (options.expectedSize !== undefined && size !== options.expectedSize) throw await corrupt(`${size} bytes instead of ${options.expectedSize}`);
    if (options.sha256 && sha256 !== options.sha256.toLowerCase()) throw await corrupt(`sha256 ${sha256}, expected ${options.sha256}`);
    if (destination.endsWith(".gguf")) {
      const head = Buffer.alloc(4);
      const handle = await open(partial, "r");
      try {
        await handle.read(head, 0, 4, 0);
      } finally {
        await handle.close();
      }
      if (head.toString("latin1") !== "GGUF") throw await corrupt("it is not a GGUF file");
    }
    if (options.verify) {
      try {
        await options.verify(partial);
      } catch (error) {
        throw await corrupt((error as Error).message);
      }
    }
    await rename(partial, destination);
    await removeQuietly(infoPath(partial));
    return { file: destination, bytes: size, sha256, resumedFrom, requests };
  }
}
