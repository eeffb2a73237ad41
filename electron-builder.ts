// electron-builder finds its configuration by this file name (`npm run dist`). The configuration
// lives with the desktop app, where it is tested: electron/main/packaging.ts.
export { default } from "./electron/main/packaging";
