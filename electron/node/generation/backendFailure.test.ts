// A backend that fails in the middle of a step (a server that closed the connection mid-stream, an
// engine that crashed): the words that streamed stay in the document as a stopped step, the run ends
// with the error, and a new run continues that step. A rewrite that fails leaves the old step.
import { describe, expect, it } from "vitest";
import { createManuscript } from "../../common/manuscript";
import { BackendError, type GenerateRequest, type GenerateResult } from "../engine/backend";
import { MemoryStore } from "./memoryStore";
import { GenerationService } from "./service";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";

const BROKEN = "The inference server at http://127.0.0.1:9 closed the connection in the middle of the generation (other side closed), after 600 tokens (they are kept).";

/**
 * The scripted model, except that call `failAt` streams `chars` characters and then fails the way the
 * OpenAI-compatible backend does when the connection breaks: after the tokens were delivered.
 */
function failingBackend(failAt: number, chars: number) {
  const backend = new ScriptedBackend(fakeWriter());
  const generate = backend.generate.bind(backend);
  let call = 0;
  backend.generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    if (call++ !== failAt) return generate(request);
    const cut = new AbortController();
    let delivered = 0;
    await generate({
      ...request,
      signal: cut.signal,
      onToken: (tokens, text) => {
        if (cut.signal.aborted) return;
        request.onToken?.(tokens, text);
        delivered += text.length;
        if (delivered >= chars) cut.abort();
      },
    });
    throw new BackendError("connection", BROKEN);
  };
  return { backend, fail: (at: number) => (failAt = at), calls: () => call };
}

function setup(failAt: number, chars: number) {
  const store = new MemoryStore();
  store.put("p1", createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
  const failing = failingBackend(failAt, chars);
  const service = new GenerationService({ store, model: () => ({ backend: failing.backend, profile: "native", useProtocolGrammars: false }), emit: () => {}, flushMs: 5 });
  return { service, store, failing, get: () => store.getManuscript("p1") };
}

describe("a backend that fails mid-step", () => {
  it("keeps the words that streamed, closes their step, reports the error, and a new run goes on after them", async () => {
    // Call 0 writes the plan, calls 1 and 2 the first step and its reflection, call 3 asks for the
    // bible proposals of step 1; call 4 breaks off 1,200 characters into the second step.
    const { service, failing, get } = setup(4, 1200);
    await service.start("p1");
    const failed = await service.whenDone("p1");
    expect(failed).toMatchObject({ status: "error", error: BROKEN });
    const after = get();
    expect(after.steps).toHaveLength(2);
    const partial = after.steps[1]!;
    expect(partial.status).toBe("stopped");
    expect(partial.words).toBeGreaterThan(50);
    expect(failed.progress.words).toBe(after.steps[0]!.words + partial.words);

    failing.fail(-1);
    await service.start("p1");
    const finished = await service.whenDone("p1");
    expect(finished.status).toBe("finished");
    const final = get();
    // The words of the broken step are still there: the new run continued that step from them.
    expect(final.steps[1]!.content.startsWith(partial.content)).toBe(true);
    expect(final.steps[1]!.words).toBeGreaterThan(partial.words);
    expect(final.steps[1]!.status).toBe("done");
    expect(final.steps.length).toBeGreaterThan(2);
    expect(final.finished).toBe(true);
  });

  it("drops a step that had no text yet when the backend failed", async () => {
    // Call 4 (the second step, see above) breaks off after 3 characters: no word of it was written.
    const { service, get } = setup(4, 3);
    await service.start("p1");
    expect((await service.whenDone("p1")).status).toBe("error");
    expect(get().steps).toHaveLength(1);
  });

  it("leaves the old step and the steps after it when a rewrite fails", async () => {
    const { service, failing, get } = setup(-1, 0);
    await service.start("p1");
    expect((await service.whenDone("p1")).status).toBe("finished");
    const before = get().steps;
    expect(before.length).toBeGreaterThan(2);
    failing.fail(failing.calls() + 0);
    await service.regenerate("p1", { stepIndex: 1 });
    expect((await service.whenDone("p1")).status).toBe("error");
    expect(get().steps).toEqual(before);
  });
});
