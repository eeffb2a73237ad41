import { describe, expect, it } from "vitest";
import { choiceOf, closeAction, closeQuestion } from "./closeGuard";

const saved = { modified: false, generating: false, title: "The Lighthouse" };

describe("closeQuestion", () => {
  it("lets a saved, idle document close without asking", () => {
    expect(closeQuestion(saved)).toBeNull();
  });

  it("asks to save unsaved changes, naming the document, with Save as the default", () => {
    const question = closeQuestion({ ...saved, modified: true });
    expect(question?.message).toContain("“The Lighthouse”");
    expect(question?.buttons).toEqual(["Save", "Don't Save", "Cancel"]);
    expect(question && question.buttons[question.defaultId]).toBe("Save");
    expect(question && question.buttons[question.cancelId]).toBe("Cancel");
  });

  it("asks before stopping the model, with Cancel as the default so Enter does not stop it", () => {
    for (const modified of [false, true]) {
      const question = closeQuestion({ ...saved, generating: true, modified });
      expect(question?.message).toMatch(/still writing/);
      expect(question && question.buttons[question.defaultId]).toBe("Cancel");
      expect(question?.choices).not.toContain("discard");
    }
  });

  it("calls a document without a title Untitled and shortens a very long one", () => {
    expect(closeQuestion({ ...saved, modified: true, title: "  " })?.message).toContain("“Untitled”");
    expect(closeQuestion({ ...saved, modified: true, title: "x".repeat(500) })?.message.length).toBeLessThan(150);
  });
});

describe("choiceOf and closeAction", () => {
  const modified = { ...saved, modified: true };
  const question = closeQuestion(modified);
  if (!question) throw new Error("expected a question");

  it("maps each button to its meaning, and an unknown answer to cancel", () => {
    expect(question.buttons.map((_, i) => choiceOf(question, i))).toEqual(["save", "discard", "cancel"]);
    expect(choiceOf(question, 99)).toBe("cancel");
  });

  it("Save asks the page to save and close; the window stays until it is saved", () => {
    expect(closeAction("save", modified)).toEqual({ commands: ["file.saveAndClose"], closeNow: false });
  });

  it("Stop and Close stops the model before saving", () => {
    expect(closeAction("save", { ...saved, generating: true })).toEqual({ commands: ["generate.stop", "file.saveAndClose"], closeNow: false });
  });

  it("Don't Save closes at once; Cancel does nothing", () => {
    expect(closeAction("discard", modified)).toEqual({ commands: [], closeNow: true });
    expect(closeAction("cancel", modified)).toEqual({ commands: [], closeNow: false });
  });
});
