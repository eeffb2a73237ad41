import { useT } from "../i18n/useT";
import { useStore } from "../store/store";

/** Messages for the writer: errors stay until dismissed; each says what failed and why. */
export function Notices() {
  const t = useT();
  const notices = useStore((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className="notice" data-kind={n.kind} role={n.kind === "error" ? "alert" : undefined} aria-live={n.kind === "error" ? undefined : "polite"}>
          <span>{t(n.key, { ...n.values, ...(n.action ? { action: t(n.action) } : {}) })}</span>
          <button type="button" className="link-button" onClick={() => useStore.getState().dismissNotice(n.id)}>
            {t("notice.dismiss")}
          </button>
        </div>
      ))}
    </div>
  );
}
