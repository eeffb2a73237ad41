// The packaging config (packaging.ts), its afterPack fuses hook (fuses.ts) and the icons,
// checked with electron-builder's own schema validation and file matcher: `npm run dist` needs the
// network to fetch Electron, so this is what can be verified on every machine.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { getCurrentFuseWire } from "@electron/fuses";
import { FileMatcher } from "app-builder-lib/out/fileMatcher";
import { validateConfiguration } from "app-builder-lib/out/util/config/config";
import type { TargetConfiguration } from "electron-builder";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { afterPack, electronExecutable, FUSES, type FuseContext } from "./fuses";
import config, { ASAR_UNPACK, llamaBinaryPackages, PROJECT_EXTENSION, PROJECT_MIME_TYPE, type BuilderOs } from "./packaging";
import { PROJECT_EXTENSION as APP_PROJECT_EXTENSION } from "./instance";

const root = path.resolve(import.meta.dirname, "..", "..");

function targetNames(targets: unknown): string[] {
  const list = (Array.isArray(targets) ? targets : [targets]) as (string | TargetConfiguration)[];
  return list.map((t) => (typeof t === "string" ? t : t.target));
}

/** The `files` electron-builder applies for one platform: top-level and platform patterns together. */
function filesFor(os: BuilderOs): string[] {
  const platform = config[os] as { files?: string[] } | undefined;
  return [...((config.files as string[]) ?? []), ...(platform?.files ?? [])];
}

/** Whether a file matches patterns the way electron-builder's FileMatcher filters, `${arch}` filled in. */
function matches(patterns: string[], arch: string, file: string): boolean {
  const matcher = new FileMatcher(root, "/out", (p: string) => p.replace(/\$\{arch\}/g, arch), patterns);
  return matcher.createFilter()(path.join(root, file), { isDirectory: () => false } as never);
}

/**
 * Whether electron-builder would package a file for a target. Dependencies in node_modules are
 * filtered by the exclusions of `files` only, after "**\/*" (app-builder-lib's
 * getNodeModuleFileMatcher); everything else by the `files` patterns themselves.
 */
function ships(os: BuilderOs, arch: string, file: string): boolean {
  const patterns = filesFor(os);
  return matches(file.startsWith("node_modules/") ? ["**/*", ...patterns.filter((p) => p.startsWith("!"))] : patterns, arch, file);
}

describe("electron-builder config", () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} } as never)).resolves.toBeUndefined();
  });

  it("builds AppImage and deb for Linux, dmg for macOS, NSIS for Windows", () => {
    expect(targetNames(config.linux?.target)).toEqual(["AppImage", "deb"]);
    expect(targetNames(config.mac?.target)).toEqual(["dmg"]);
    expect(targetNames(config.win?.target)).toEqual(["nsis"]);
  });

  it("registers .draftline files with the app, the same extension the app opens", () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: PROJECT_EXTENSION, mimeType: PROJECT_MIME_TYPE, role: "Editor" })]);
    expect(`.${PROJECT_EXTENSION}`).toBe(APP_PROJECT_EXTENSION);
    expect(config.linux?.mimeTypes).toContain(PROJECT_MIME_TYPE);
    // NSIS writes file associations for per-machine installs only.
    expect(config.nsis?.perMachine).toBe(true);
  });

  it("flips the fuses after packing and never rebuilds native modules from source", () => {
    expect(config.afterPack).toBe(afterPack);
    expect(config.npmRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
  });
});

describe("what gets packaged", () => {
  const all = llamaBinaryPackages(root);

  it("knows node-llama-cpp's binary packages for every system", () => {
    expect(all).toEqual(expect.arrayContaining(["@node-llama-cpp/linux-x64", "@node-llama-cpp/mac-arm64-metal", "@node-llama-cpp/win-x64"]));
  });

  it.each([
    ["linux", "x64", ["linux-x64", "linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"]],
    ["linux", "arm64", ["linux-arm64"]],
    ["mac", "arm64", ["mac-arm64-metal"]],
    ["mac", "x64", ["mac-x64"]],
    ["win", "x64", ["win-x64", "win-x64-cuda", "win-x64-cuda-ext", "win-x64-vulkan"]],
    ["win", "arm64", ["win-arm64"]],
  ] as const)("a %s %s build ships only that target's llama.cpp binaries", (os, arch, expected) => {
    const kept = all.filter((name) => ships(os, arch, `node_modules/${name}/bins/${name.split("/")[1]}/llama-addon.node`));
    expect(kept.map((name) => name.split("/")[1])).toEqual(expected);
  });

  it("this machine's build keeps its own binary package", () => {
    const os: BuilderOs = process.platform === "darwin" ? "mac" : process.platform === "win32" ? "win" : "linux";
    const own = all.filter((name) => name.startsWith(`@node-llama-cpp/${os}-${process.arch}`));
    expect(own.length).toBeGreaterThan(0);
    for (const name of own) expect(ships(os, process.arch, `node_modules/${name}/package.json`), name).toBe(true);
  });

  it("ships the built app and node-llama-cpp's JavaScript, not sources or source maps", () => {
    expect(ships("linux", "x64", "dist/main/main.js")).toBe(true);
    expect(ships("linux", "x64", "dist/node/engine-host.js")).toBe(true);
    expect(ships("linux", "x64", "dist/preload/preload.cjs")).toBe(true);
    expect(ships("linux", "x64", "dist/renderer/index.html")).toBe(true);
    expect(ships("linux", "x64", "package.json")).toBe(true);
    expect(ships("linux", "x64", "node_modules/node-llama-cpp/dist/index.js")).toBe(true);
    expect(ships("linux", "x64", "dist/main/main.js.map")).toBe(false);
    expect(ships("linux", "x64", "electron/main/main.ts")).toBe(false);
    expect(ships("linux", "x64", "models/tiny.gguf")).toBe(false);
  });

  it("unpacks node-llama-cpp's native binaries from app.asar", () => {
    for (const file of [
      "node_modules/node-llama-cpp/bins/linux-x64/llama-addon.node",
      "node_modules/node-llama-cpp/llama/localBuilds/linux-x64/Release/llama-addon.node",
      "node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/libggml-cuda.so",
    ]) {
      expect(matches(ASAR_UNPACK, "x64", file), file).toBe(true);
    }
    expect(matches(ASAR_UNPACK, "x64", "node_modules/node-llama-cpp/dist/index.js")).toBe(false);
    expect(config.asarUnpack).toEqual(ASAR_UNPACK);
  });

  it("ships node-llama-cpp as a dependency, and the main process bundle never loads it (inference runs in the engine process)", async () => {
    const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies["node-llama-cpp"]).toBeDefined();
    const result = await build({
      entryPoints: [path.join(root, "electron/main/main.ts")],
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      external: ["electron"],
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(imports).toContain("electron");
    expect(imports.filter((i) => i.includes("node-llama-cpp"))).toEqual([]);
  });
});

describe("icons", () => {
  function pngSize(bytes: Buffer): { width: number; height: number } {
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.toString("ascii", 12, 16)).toBe("IHDR");
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    expect([bytes[24], bytes[25]]).toEqual([8, 6]); // 8-bit RGBA
    // The image data inflates to exactly one filter byte and width × 4 bytes per row.
    const chunks: Buffer[] = [];
    for (let at = 8; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      if (bytes.toString("ascii", at + 4, at + 8) === "IDAT") chunks.push(bytes.subarray(at + 8, at + 8 + length));
      at += 12 + length;
    }
    expect(inflateSync(Buffer.concat(chunks)).length).toBe((width * 4 + 1) * height);
    return { width, height };
  }

  it.each([
    ["build/icon.png", 512],
    ["build/icons/512x512.png", 512],
    ["build/icons/256x256.png", 256],
    ["assets/icon.png", 512],
  ])("%s is a valid %i-pixel square PNG", (file, size) => {
    expect(pngSize(readFileSync(path.join(root, file)))).toEqual({ width: size, height: size });
  });

  it("build/icon.ico holds a 256-pixel PNG, as NSIS requires", () => {
    const ico = readFileSync(path.join(root, "build/icon.ico"));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const entries = Array.from({ length: count }, (_, i) => ({ size: ico[6 + i * 16] || 256, length: ico.readUInt32LE(6 + i * 16 + 8), offset: ico.readUInt32LE(6 + i * 16 + 12) }));
    const large = entries.find((e) => e.size === 256);
    expect(large).toBeDefined();
    if (large) expect(pngSize(ico.subarray(large.offset, large.offset + large.length))).toEqual({ width: 256, height: 256 });
  });

  it("the config points at icons that exist", () => {
    for (const icon of [config.mac?.icon, config.win?.icon, path.join(String(config.linux?.icon), "512x512.png")]) {
      expect(() => readFileSync(path.join(root, String(icon)))).not.toThrow();
    }
  });
});

describe("the afterPack fuses hook", () => {
  const SENTINEL = "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX";

  /** A stand-in for the Electron executable: random bytes around the fuse wire, every fuse at its default. */
  function fakeElectron(): Buffer {
    return Buffer.concat([Buffer.alloc(4096, 0x5a), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from("10110010"), Buffer.alloc(4096, 0xa5)]);
  }

  it("turns off running as Node, NODE_OPTIONS and --inspect, and requires the integrity-checked app.asar", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-fuses-"));
    try {
      await writeFile(path.join(dir, "draftline"), fakeElectron());
      const context: FuseContext = { appOutDir: dir, electronPlatformName: "linux", arch: 1, packager: { appInfo: { productFilename: "Draftline" }, executableName: "draftline" } };
      await afterPack(context);
      const wire = await getCurrentFuseWire(path.join(dir, "draftline"));
      const on = 49;
      const off = 48;
      expect(wire).toMatchObject({ 0: off, 1: on, 2: off, 3: off, 4: on, 5: on, 7: off });
      // Fuses the config does not set keep the binary's value.
      expect(wire[6]).toBe("1".charCodeAt(0));
      expect(Object.keys(FUSES)).toHaveLength(7);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails the build rather than ship an executable whose fuses it cannot find", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-fuses-"));
    try {
      await copyFile(path.join(root, "package.json"), path.join(dir, "draftline"));
      const context: FuseContext = { appOutDir: dir, electronPlatformName: "linux", arch: 1, packager: { appInfo: { productFilename: "Draftline" }, executableName: "draftline" } };
      await expect(afterPack(context)).rejects.toThrow(/sentinel/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("finds the executable on each system and re-signs arm64 macOS binaries ad hoc", async () => {
    const base = { appOutDir: "/out", arch: 3, packager: { appInfo: { productFilename: "Draftline" }, executableName: "draftline" } };
    expect(electronExecutable({ ...base, electronPlatformName: "darwin" })).toBe(path.join("/out", "Draftline.app"));
    expect(electronExecutable({ ...base, electronPlatformName: "win32" })).toBe(path.join("/out", "Draftline.exe"));
    expect(electronExecutable({ ...base, electronPlatformName: "linux" })).toBe(path.join("/out", "draftline"));
    const calls: { file: string; reset: boolean | undefined }[] = [];
    const flip = async (file: string, fuses: { resetAdHocDarwinSignature?: boolean }) => {
      calls.push({ file, reset: fuses.resetAdHocDarwinSignature });
      return 1;
    };
    await afterPack({ ...base, electronPlatformName: "darwin" }, flip as never);
    await afterPack({ ...base, arch: 1, electronPlatformName: "darwin" }, flip as never);
    expect(calls.map((c) => c.reset)).toEqual([true, false]);
  });
});
