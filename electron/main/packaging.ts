// Packaging with electron-builder (`npm run dist`, through /electron-builder.ts): AppImage and deb on
// Linux, dmg on macOS, an NSIS installer on Windows. Not part of the main bundle.
//
// node-llama-cpp is never bundled: esbuild leaves it external, it ships in node_modules, and its native
// binaries are unpacked from app.asar (a .node file cannot be loaded from inside an archive). Of its
// prebuilt binary packages (@node-llama-cpp/<os>-<arch>[-<gpu>]) only the target's are packaged.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Configuration } from "electron-builder";
import { afterPack } from "./fuses";
import { APP_ID, PRODUCT_NAME } from "./identity";

export const PROJECT_EXTENSION = "draftline";
export const PROJECT_MIME_TYPE = "application/x-draftline";

/** electron-builder's names for the three desktop systems, as used in @node-llama-cpp's package names. */
export type BuilderOs = "mac" | "linux" | "win";

/** Every prebuilt binary package node-llama-cpp may install, e.g. "@node-llama-cpp/linux-x64-cuda". */
export function llamaBinaryPackages(root: string = path.resolve(import.meta.dirname, "..", "..")): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, "node_modules", "node-llama-cpp", "package.json"), "utf8")) as {
    optionalDependencies?: Record<string, string>;
  };
  return Object.keys(manifest.optionalDependencies ?? {}).filter((name) => name.startsWith("@node-llama-cpp/"));
}

/**
 * `files` patterns that drop every @node-llama-cpp binary package but the target's: `<os>-<arch>` and
 * its GPU variants `<os>-<arch>-<gpu>`. electron-builder fills in `${arch}` for each build, so one
 * config serves x64 and arm64 builds alike.
 */
export function llamaBinaryFilter(os: BuilderOs): string[] {
  return [`!node_modules/@node-llama-cpp/!(${os}-\${arch}|${os}-\${arch}-*){,/**/*}`];
}

/**
 * What the app is made of: the bundles built by scripts/build.mjs, without source maps, and
 * package.json. Production dependencies (node-llama-cpp among them) are added by electron-builder.
 */
export const APP_FILES = ["dist/**/*", "!dist/**/*.map", "package.json"];

/**
 * A platform's `files`. A platform-level `files` takes the place of the top-level one, so each
 * repeats the app's files before dropping the other targets' binaries.
 */
export function platformFiles(os: BuilderOs): string[] {
  return [...APP_FILES, ...llamaBinaryFilter(os)];
}

/** Native code must live outside app.asar: node-llama-cpp's own bins and the binary packages. */
export const ASAR_UNPACK = ["node_modules/node-llama-cpp/bins/**", "node_modules/node-llama-cpp/llama/localBuilds/**", "node_modules/@node-llama-cpp/**"];

const config: Configuration = {
  appId: APP_ID,
  productName: PRODUCT_NAME,
  copyright: "Copyright © Draftline contributors",
  directories: { output: "release", buildResources: "build" },
  files: APP_FILES,
  asar: true,
  asarUnpack: ASAR_UNPACK,
  // node-llama-cpp ships prebuilt binaries: nothing to compile, and no network for node-gyp.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  fileAssociations: [{ ext: PROJECT_EXTENSION, name: "Draftline Project", description: "Draftline project", mimeType: PROJECT_MIME_TYPE, role: "Editor", rank: "Owner" }],
  afterPack,
  // Placeholders the deb format requires; set the real ones before publishing.
  extraMetadata: { homepage: "https://draftline.invalid" },
  publish: null,
  mac: {
    target: [{ target: "dmg", arch: ["x64", "arm64"] }],
    category: "public.app-category.productivity",
    icon: "build/icon.png",
    files: platformFiles("mac"),
    hardenedRuntime: true,
  },
  dmg: { title: "Draftline ${version}" },
  linux: {
    target: [
      { target: "AppImage", arch: ["x64", "arm64"] },
      { target: "deb", arch: ["x64", "arm64"] },
    ],
    category: "Office",
    icon: "build/icons",
    executableName: "draftline",
    synopsis: "Write long documents with a local language model",
    mimeTypes: [PROJECT_MIME_TYPE],
    maintainer: "Draftline contributors <maintainers@draftline.invalid>",
    files: platformFiles("linux"),
  },
  deb: { depends: ["libgtk-3-0", "libnotify4", "libnss3", "libxss1", "libxtst6", "xdg-utils", "libatspi2.0-0", "libuuid1", "libsecret-1-0"] },
  win: {
    target: [{ target: "nsis", arch: ["x64", "arm64"] }],
    icon: "build/icon.ico",
    files: platformFiles("win"),
  },
  // File associations of NSIS installers work for per-machine installs only.
  nsis: { oneClick: false, perMachine: true, allowToChangeInstallationDirectory: true, createDesktopShortcut: true },
};

export default config;
