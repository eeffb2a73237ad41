import { useT } from "../i18n/useT";
import { useStore } from "../store/store";
import type { RewriteRequest } from "../store/uiSlice";
import type { Manuscript } from "../../../electron/common/manuscript";
import type { MessageKey, MessageValues } from "../i18n";
import { Dialog } from "./Dialog";

/** What a rewrite replaces, in the writer's words. */
export function describeRewrite(m: Manuscript, request: RewriteRequest): { key: MessageKey; values: MessageValues } {
  const words = (indices: number[]) => indices.reduce((n, i) => n + (m.steps[i]?.words ?? 0), 0);
  switch (request.kind) {
    case "continue": {
      const indices = m.steps.map((_, i) => i).filter((i) => i >= request.fromStep);
      return { key: "rewrite.continue", values: { from: request.fromStep, first: request.fromStep + 1, last: m.steps.length, words: words(indices) } };
    }
    case "step":
      return { key: "rewrite.step", values: { n: request.index + 1, words: words([request.index]) } };
    case "section": {
      const indices = m.steps.flatMap((s, i) => (s.sectionId === request.sectionId ? [i] : []));
      return { key: "rewrite.section", values: { title: m.sections.find((s) => s.id === request.sectionId)?.title ?? "", count: indices.length, words: words(indices) } };
    }
    default:
      return request satisfies never;
  }
}

/** Continue from here, regenerate a step or a section: what it writes again, and that History keeps it. */
export function ConfirmRewriteDialog() {
  const t = useT();
  const request = useStore((s) => s.rewriteQuestion);
  const manuscript = useStore((s) => s.manuscript);
  if (!request || !manuscript) return null;
  const what = describeRewrite(manuscript, request);
  return (
    <Dialog title={t("rewrite.title")}>
      <div className="panel-body">
        <p>{t(what.key, what.values)}</p>
        <p>{t("rewrite.kept")}</p>
        <div className="panel-actions">
          <button type="button" onClick={() => useStore.setState({ rewriteQuestion: null, panel: null })} autoFocus>
            {t("rewrite.cancel")}
          </button>
          <button type="button" className="primary" onClick={() => void useStore.getState().confirmRewrite()}>
            {t("rewrite.confirm")}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
