import { Node } from "@tiptap/core";

/** The draft: section headings and step blocks, in document order; nothing else at the top level. */
export const DraftDocument = Node.create({
  name: "doc",
  topNode: true,
  content: "(sectionHeading | stepBlock)*",
});
