import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp();
});
test.afterAll(async () => {
  await app.stop();
});

test("the app shell loads and the API round-trips through the WebSocket", async ({ page }, testInfo) => {
  // The page carries a CSP <meta> tag as well as the server's header: neither may block what the app does.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(app.url);
  await expect(page.getByRole("heading", { name: "Draftline", level: 1 })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Connected · web mode");
  // The token leaves the address bar once the page has it.
  expect(page.url()).not.toContain(app.token);
  await testInfo.attach("app shell", { body: await page.screenshot(), contentType: "image/png" });

  const echoed = await page.evaluate(async (token) => {
    const socket = new WebSocket(`ws://${location.host}/api`, ["draftline", `draftline-token.${token}`]);
    await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
    const reply = new Promise<string>((resolve) => socket.addEventListener("message", (e) => resolve(String(e.data)), { once: true }));
    socket.send(JSON.stringify({ kind: "request", id: 7, method: "app.echo", params: { text: "a long draft, 长文" } }));
    return JSON.parse(await reply);
  }, app.token);
  expect(echoed).toMatchObject({ kind: "response", id: 7, ok: true, result: { text: "a long draft, 长文" } });
  expect(violations).toEqual([]);
});

test("a malformed message gets an error reply and the connection stays usable", async ({ page }) => {
  await page.goto(app.url);
  const replies = await page.evaluate(async (token) => {
    const socket = new WebSocket(`ws://${location.host}/api`, ["draftline", `draftline-token.${token}`]);
    await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
    const received: unknown[] = [];
    const done = new Promise<void>((resolve) =>
      socket.addEventListener("message", (e) => {
        received.push(JSON.parse(String(e.data)));
        if (received.length === 3) resolve();
      }),
    );
    socket.send("not json");
    socket.send(JSON.stringify({ kind: "request", id: 1, method: "app.echo", params: { text: 42 } }));
    socket.send(JSON.stringify({ kind: "request", id: 2, method: "app.echo", params: { text: "still here" } }));
    await done;
    return received;
  }, app.token);
  expect(replies).toContainEqual(expect.objectContaining({ id: null, ok: false, error: expect.objectContaining({ code: "bad-message" }) }));
  expect(replies).toContainEqual(expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: "bad-params", message: expect.stringContaining("params.text") }) }));
  expect(replies).toContainEqual(expect.objectContaining({ id: 2, ok: true }));
});

test("a wrong token is refused and the page says what to do", async ({ page }) => {
  await page.goto(`${app.origin}/#token=not-the-token`);
  await expect(page.getByRole("alert")).toContainText("access token is missing or wrong");
  await expect(page.getByRole("status")).toHaveText("Not connected");
});

test("an empty token in the address never connects", async ({ page }) => {
  for (const address of [`${app.origin}/#token=`, `${app.origin}/?token=#token=`]) {
    await page.goto(address);
    await expect(page.getByRole("alert")).toContainText("no access token");
    await expect(page.getByRole("status")).toHaveText("Not connected");
  }
});

test("a foreign Origin, a wrong Host or a wrong token is refused, and the token is never read from the address", async ({ request }) => {
  const host = new URL(app.origin).host;
  const protocols = (token: string) => ["draftline", `draftline-token.${token}`];
  expect(await upgradeStatus(`ws://${host}/api`, { origin: "http://evil.example" }, protocols(app.token))).toEqual({ status: 403, body: expect.stringContaining("foreign Origin") });
  expect(await upgradeStatus(`ws://${host}/api`, { origin: app.origin }, protocols("wrong-token-0123456789"))).toEqual({ status: 401, body: expect.stringContaining("wrong token") });
  expect(await upgradeStatus(`ws://${host}/api?token=${app.token}`, { origin: app.origin })).toEqual({ status: 401, body: expect.stringContaining("wrong token") });
  expect(await upgradeStatus(`ws://${host}/api`, { origin: app.origin, headers: { host: "evil.example" } }, protocols(app.token))).toEqual({ status: 421, body: expect.stringContaining("Host") });
  // The right origin and token are accepted: the refusals above are not a broken server.
  expect(await upgradeStatus(`ws://${host}/api`, { origin: app.origin }, protocols(app.token))).toEqual({ status: 101, body: "" });

  const rebinding = await request.get(`${app.origin}/`, { headers: { host: "evil.example" } });
  expect(rebinding.status()).toBe(421);
});

/** Opens a WebSocket from Node (which, unlike a browser, may send any Origin) and reports the answer. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions, protocols: string[] = []): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, options);
    socket.once("open", () => {
      socket.close();
      resolve({ status: 101, body: "" });
    });
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once("error", (error) => reject(error));
  });
}
