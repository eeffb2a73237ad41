// Whether a window may close at once, and what to ask the writer when it may not.
import type { UiCommand } from "../common/api/ui";

export interface GuardedState {
  modified: boolean;
  generating: boolean;
  title: string;
}

export type CloseChoice = "save" | "discard" | "cancel";

export interface CloseQuestion {
  message: string;
  detail: string;
  buttons: string[];
  /** What each button means, in the order of `buttons`. */
  choices: CloseChoice[];
  defaultId: number;
  cancelId: number;
}

function quoted(title: string): string {
  const name = title.trim() || "Untitled";
  return `“${name.length > 80 ? `${name.slice(0, 79)}…` : name}”`;
}

/** Null: nothing would be lost, close. Otherwise the question to ask before closing. */
export function closeQuestion(state: GuardedState): CloseQuestion | null {
  if (state.generating) {
    // The UI stops the model and saves what it wrote before the window closes: nothing is thrown away.
    return {
      message: `The model is still writing ${quoted(state.title)}.`,
      detail: "Closing stops the generation. What has been written so far is saved.",
      buttons: ["Stop and Close", "Cancel"],
      choices: ["save", "cancel"],
      defaultId: 1,
      cancelId: 1,
    };
  }
  if (state.modified) {
    return {
      message: `Do you want to save the changes you made to ${quoted(state.title)}?`,
      detail: "Your changes will be lost if you don't save them.",
      buttons: ["Save", "Don't Save", "Cancel"],
      choices: ["save", "discard", "cancel"],
      defaultId: 0,
      cancelId: 2,
    };
  }
  return null;
}

/** The writer's answer: the index of the button they pressed (Escape gives cancelId). */
export function choiceOf(question: CloseQuestion, response: number): CloseChoice {
  return question.choices[response] ?? "cancel";
}

export interface CloseAction {
  /** Commands for the window's page, in order. */
  commands: UiCommand[];
  /** Close the window now, without asking again. */
  closeNow: boolean;
}

/**
 * What an answer does. "save" hands the work to the page, which stops the model if it writes, saves,
 * and closes its window once saved (a cancelled Save As leaves it open). "discard" closes at once.
 */
export function closeAction(choice: CloseChoice, state: GuardedState): CloseAction {
  switch (choice) {
    case "save":
      return { commands: state.generating ? ["generate.stop", "file.saveAndClose"] : ["file.saveAndClose"], closeNow: false };
    case "discard":
      return { commands: [], closeNow: true };
    case "cancel":
      return { commands: [], closeNow: false };
    default:
      return choice satisfies never;
  }
}
