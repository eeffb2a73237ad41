import { processIO, runCli } from "./main";

const code = await runCli(process.argv.slice(2), processIO());
process.exitCode = code;
