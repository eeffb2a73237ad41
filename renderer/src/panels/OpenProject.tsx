import { useId, useState, type FormEvent } from "react";
import { useT } from "../i18n/useT";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";

/** Open a project: the native dialog in the desktop app (the only way there), a path field in the browser. */
export function OpenProjectDialog() {
  const t = useT();
  const id = useId();
  const desktop = useStore((s) => s.appInfo?.shell === "electron");
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const open = async (file: string) => {
    const outcome = await useStore.getState().openDocument(file);
    if (outcome.ok) useStore.getState().openPanel(null);
    else setError(t("open.failed", { message: outcome.message }));
  };
  const pick = async () => {
    try {
      const picked = await useStore.getState().api!.call("dialog.openProject", {});
      if (picked.path) await open(picked.path);
    } catch (e) {
      setError(t("open.failed", { message: e instanceof Error ? e.message : String(e) }));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim() !== "") void open(path.trim());
  };
  return (
    <Dialog title={t("open.title")}>
      <form className="panel-body" onSubmit={submit}>
        {desktop ? (
          // The desktop app opens only what its own Open dialog returned (electron/main/fileAccess.ts).
          <button type="button" className="primary" onClick={() => void pick()}>
            {t("menu.open")}
          </button>
        ) : (
          <>
            <label htmlFor={id}>{t("open.path")}</label>
            <input id={id} type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/Documents/story.draftline" autoFocus />
          </>
        )}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        {desktop ? null : (
          <div className="panel-actions">
            <button type="submit" className="primary" disabled={path.trim() === ""}>
              {t("open.submit")}
            </button>
          </div>
        )}
      </form>
    </Dialog>
  );
}
