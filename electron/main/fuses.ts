// electron-builder's afterPack hook: flips Electron's fuses in the packaged executable, before it is
// signed and wrapped into an installer. Fuses are switches compiled into the binary; turned off here,
// the shipped app cannot be run as a plain Node.js (ELECTRON_RUN_AS_NODE), take NODE_OPTIONS or
// --inspect from whoever starts it, or load code from outside its (integrity-checked) app.asar.
import path from "node:path";
import { flipFuses, FuseV1Options, FuseVersion } from "@electron/fuses";
import type { AfterPackContext } from "electron-builder";

export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The app serves its pages on its own scheme; file:// needs no extra powers.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const;

/** The part of electron-builder's AfterPackContext the hook reads. */
export type FuseContext = Pick<AfterPackContext, "appOutDir" | "electronPlatformName" | "arch"> & {
  packager: { appInfo: { productFilename: string }; executableName?: string };
};

/** electron-builder's Arch enum: 3 is arm64. */
const ARM64 = 3;

/** The packaged Electron executable (macOS: the .app bundle, where @electron/fuses finds the framework). */
export function electronExecutable(context: FuseContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case "darwin":
    case "mas":
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case "win32":
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default:
      return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
  }
}

export async function afterPack(context: FuseContext, flip: typeof flipFuses = flipFuses): Promise<void> {
  await flip(electronExecutable(context), {
    version: FuseVersion.V1,
    // Changing an arm64 macOS binary breaks its ad-hoc signature; sign it again (real signing comes later).
    resetAdHocDarwinSignature: context.electronPlatformName === "darwin" && context.arch === ARM64,
    ...FUSES,
  });
}

export default afterPack;
