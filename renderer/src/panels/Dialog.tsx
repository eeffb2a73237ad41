import { useEffect, useId, useRef, type ReactNode } from "react";
import { useT } from "../i18n/useT";
import { useStore } from "../store/store";
import "./panels.css";

/** A modal panel: the native dialog element, so focus stays inside and Escape closes it. */
export function Dialog({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className={`panel${wide ? " panel-wide" : ""}`} aria-labelledby={titleId} onClose={() => useStore.getState().openPanel(null)}>
      <header className="panel-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="link-button" onClick={() => ref.current?.close()}>
          {t("models.close")}
        </button>
      </header>
      {children}
    </dialog>
  );
}
