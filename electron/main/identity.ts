/** The app's name, and its id for Windows (AppUserModelID) and macOS (bundle id), set by the installer. */
export const PRODUCT_NAME = "Draftline";
export const APP_ID = "app.draftline.desktop";
