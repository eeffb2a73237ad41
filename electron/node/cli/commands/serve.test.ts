import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../command";
import { runCli } from "../main";

function memoryIO(env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd: process.cwd(), env };
  return { io, out: () => out, err: () => err };
}

describe("draftline serve", () => {
  it.each([
    ["empty", "", /DRAFTLINE_TOKEN: The access token is empty: that would let anyone on this machine in/],
    ["short", "secret", /DRAFTLINE_TOKEN: The access token must be 16 to 512 characters/],
  ])("refuses an %s DRAFTLINE_TOKEN before it starts anything", async (_what, token, message) => {
    const { io, out, err } = memoryIO({ DRAFTLINE_TOKEN: token });
    expect(await runCli(["serve", "--port", "0"], io)).toBe(1);
    expect(err()).toMatch(message);
    expect(out()).not.toContain("running at");
  });
});
