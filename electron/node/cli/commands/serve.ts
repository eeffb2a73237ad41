import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createBackend } from "../../app/backend";
import { packageRoot } from "../../base/paths";
import { checkToken, startWebServer, WeakTokenError, type WebServer } from "../../server/webServer";
import { CliError, UsageError, type Command } from "../command";
import { writeLine } from "../io";

export const serveCommand: Command = {
  name: "serve",
  summary: "Run Draftline in a browser: the app and its API on 127.0.0.1 only",
  usage: [
    "Usage: draftline serve [--port P]",
    "",
    "Serves the built app on http://127.0.0.1 and prints its address with a per-run access token.",
    "Only this machine can connect, and only with that address. Ctrl-C stops it.",
    "",
    "  --port P   listen on port P (default: a free port)",
    "",
    "DRAFTLINE_TOKEN=T fixes the access token (16 or more of A-Z a-z 0-9 . _ ~ -); an empty one is refused.",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { port: { type: "string" } }, strict: true });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not '${values.port}'.`);

    const token = io.env.DRAFTLINE_TOKEN;
    if (token !== undefined) {
      try {
        checkToken(token);
      } catch (error) {
        if (error instanceof WeakTokenError) throw new CliError(`DRAFTLINE_TOKEN: ${error.message}`);
        throw error;
      }
    }

    const rendererDir = path.join(packageRoot(), "dist", "renderer");
    if (!existsSync(path.join(rendererDir, "index.html"))) throw new CliError("The app is not built: run `npm run build` first.");

    let server: WebServer | undefined;
    const backend = await createBackend({ shell: "web", emit: (event) => server?.emit(event), env: io.env });
    try {
      server = await startWebServer({ rendererDir, handlers: backend.handlers, port, token, log: (message) => writeLine(io.stderr, message) });
    } catch (error) {
      await backend.container.shutdown();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new CliError(`Port ${port} is already in use: pick another with --port, or leave it out for a free one.`);
      throw error;
    }
    writeLine(io.stdout, `Draftline is running at ${server.url}`);
    writeLine(io.stdout, "Open that address in a browser on this machine. Press Ctrl-C to stop.");

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    writeLine(io.stdout, "Stopping Draftline…");
    await server.close();
    await backend.container.shutdown();
    return 0;
  },
};
