// The draft editor's extensions, configured in one place.
import type { Extensions } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { AppShortcuts } from "./extensions/appShortcuts";
import { DraftDocument } from "./extensions/draftDocument";
import { SectionHeading } from "./extensions/sectionHeading";
import { StepBlock } from "./extensions/stepBlock";
import { StreamGuard } from "./extensions/streamGuard";

export const draftExtensions: Extensions = [
  // The draft's own document; links and underline have no Markdown in the manuscript; no trailing
  // paragraph outside the steps.
  StarterKit.configure({ document: false, link: false, underline: false, trailingNode: false }),
  DraftDocument,
  SectionHeading,
  StepBlock,
  StreamGuard,
  AppShortcuts,
];
