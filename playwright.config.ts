import { defineConfig } from "@playwright/test";

// Debian's Chromium drives the end-to-end tests (`apt-get install chromium`); Playwright never
// downloads a browser here. CHROMIUM_PATH points at another Chromium if needed.
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.e2e.ts",
  workers: 1,
  timeout: 120_000,
  retries: 0,
  // failureSummary repeats each failure's error at the very end, where a log cut to its tail still shows it.
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }], ["./e2e/failureSummary.ts"]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
