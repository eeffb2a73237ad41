import { useEffect } from "react";
import { DraftEditor } from "./editor/DraftEditor";
import { useT } from "./i18n/useT";
import { ModelManagerDialog } from "./panels/ModelManager";
import { NewDocumentDialog } from "./panels/NewDocument";
import { OpenProjectDialog } from "./panels/OpenProject";
import { PathDialog } from "./panels/PathDialog";
import { ConfirmReplaceDialog } from "./panels/ConfirmReplace";
import { ConfirmRewriteDialog } from "./panels/ConfirmRewrite";
import { HistoryDialog } from "./panels/History";
import { RecoverDialog } from "./panels/Recover";
import { ReplaceDialog } from "./panels/ReplaceDialog";
import { ReportDialog } from "./panels/Report";
import { RewritePanel } from "./panels/Rewrite";
import { VoiceDialog } from "./panels/Voice";
import { runCommand, shortcuts } from "./shell/commands";
import { Controls } from "./shell/Controls";
import { Notices } from "./shell/Notices";
import { StatusBar } from "./shell/StatusBar";
import { Welcome } from "./shell/Welcome";
import { uiSelectors } from "./store/selectors";
import { useStore } from "./store/store";
import type { LanguageChoice, ThemeChoice } from "./store/uiSlice";
import { BiblePanel } from "./timeline/BiblePanel";
import { BudgetTrack } from "./timeline/BudgetTrack";
import { Timeline } from "./timeline/Timeline";

export function App() {
  const t = useT();
  const connection = useStore((s) => s.connection);
  const appInfo = useStore((s) => s.appInfo);
  const panel = useStore((s) => s.panel);
  const hasDocument = useStore((s) => s.document !== null);
  const title = useStore((s) => s.document?.title ?? null);
  const timelineVisible = useStore((s) => s.timelineVisible);
  const theme = useStore((s) => s.theme);
  const languageChoice = useStore((s) => s.languageChoice);
  const language = useStore(uiSelectors.language);

  useEffect(() => {
    // The window (and the browser tab) is named for the document.
    document.title = title ? `${title} — ${t("app.name")}` : t("app.name");
  }, [title, t]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  }, [theme, language]);

  const connectionText =
    connection.state === "connected"
      ? t("connection.connected", { shell: appInfo?.shell === "web" ? t("connection.web") : t("connection.desktop"), version: appInfo?.version ?? "" })
      : connection.state === "connecting"
        ? t("connection.connecting")
        : t("connection.failed");
  const save = shortcuts["file.save"]!;

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">{t("app.name")}</h1>
        {title ? (
          <span className="doc-title" title={title}>
            {title}
          </span>
        ) : null}
        <Controls />
        <nav className="menu" aria-label={t("menu.label")}>
          <button type="button" onClick={() => runCommand("panel.newDocument", useStore)} aria-keyshortcuts={shortcuts["panel.newDocument"]!.aria} title={t("controls.shortcut", { label: t("welcome.newDocument"), keys: shortcuts["panel.newDocument"]!.label })}>
            {t("menu.new")}
          </button>
          <button type="button" onClick={() => runCommand("file.open", useStore)}>
            {t("menu.open")}
          </button>
          <button type="button" onClick={() => runCommand("file.importDraft", useStore)}>
            {t("menu.import")}
          </button>
          <button type="button" onClick={() => runCommand("file.recover", useStore)}>
            {t("menu.recover")}
          </button>
          {hasDocument ? (
            <button type="button" onClick={() => runCommand("file.save", useStore)} aria-keyshortcuts={save.aria} title={t("controls.shortcut", { label: t("menu.save"), keys: save.label })}>
              {t("menu.save")}
            </button>
          ) : null}
          {hasDocument ? (
            <button type="button" onClick={() => runCommand("file.saveAs", useStore)}>
              {t("menu.saveAs")}
            </button>
          ) : null}
          {hasDocument ? (
            <button type="button" onClick={() => runCommand("file.exportDocx", useStore)}>
              {t("menu.export")}
            </button>
          ) : null}
          <button type="button" onClick={() => runCommand("panel.models", useStore)} aria-keyshortcuts={shortcuts["panel.models"]!.aria} title={t("controls.shortcut", { label: t("menu.models"), keys: shortcuts["panel.models"]!.label })}>
            {t("menu.models")}
          </button>
          {hasDocument ? (
            <button type="button" onClick={() => useStore.getState().openPanel("voice")}>
              {t("menu.voice")}
            </button>
          ) : null}
          {hasDocument ? (
            <button type="button" onClick={() => runCommand("panel.history", useStore)}>
              {t("menu.history")}
            </button>
          ) : null}
          {hasDocument ? (
            // Pressing it leaves the draft's focus (and the selection it shows) where it is.
            <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => useStore.getState().openRewrite()}>
              {t("menu.rewrite")}
            </button>
          ) : null}
          {hasDocument ? (
            <button type="button" onClick={() => runCommand("panel.report", useStore)}>
              {t("menu.report")}
            </button>
          ) : null}
          {hasDocument ? (
            <button
              type="button"
              aria-pressed={timelineVisible}
              onClick={() => runCommand("view.toggleTimeline", useStore)}
              aria-keyshortcuts={shortcuts["view.toggleTimeline"]!.aria}
              title={t("controls.shortcut", { label: t("menu.timeline"), keys: shortcuts["view.toggleTimeline"]!.label })}
            >
              {t("menu.timeline")}
            </button>
          ) : null}
          <label className="select">
            <span className="visually-hidden">{t("menu.theme")}</span>
            <select value={theme} onChange={(e) => useStore.getState().setTheme(e.target.value as ThemeChoice)} aria-label={t("menu.theme")}>
              <option value="system">{t("theme.system")}</option>
              <option value="light">{t("theme.light")}</option>
              <option value="dark">{t("theme.dark")}</option>
            </select>
          </label>
          <label className="select">
            <span className="visually-hidden">{t("menu.language")}</span>
            <select value={languageChoice} onChange={(e) => useStore.getState().setLanguage(e.target.value as LanguageChoice)} aria-label={t("menu.language")}>
              <option value="auto">{t("language.auto")}</option>
              <option value="en">{t("language.en")}</option>
              <option value="zh">{t("language.zh")}</option>
            </select>
          </label>
        </nav>
      </header>
      <main className="app-main">
        {connection.state === "failed" ? (
          <section className="empty-state" role="alert">
            <h2>{t("connection.failedTitle")}</h2>
            <p>{connection.message}</p>
          </section>
        ) : hasDocument ? (
          <div className="workspace" data-timeline={timelineVisible || undefined}>
            <BudgetTrack />
            <div className="workspace-columns">
              <DraftEditor />
              <RewritePanel />
              {timelineVisible ? <Timeline /> : null}
              {timelineVisible ? <BiblePanel /> : null}
            </div>
          </div>
        ) : connection.state === "connected" ? (
          <Welcome />
        ) : null}
      </main>
      <StatusBar connection={connectionText} connectionState={connection.state} />
      <Notices />
      {panel === "newDocument" ? <NewDocumentDialog /> : null}
      {panel === "models" ? <ModelManagerDialog /> : null}
      {panel === "openProject" ? <OpenProjectDialog /> : null}
      {panel === "report" ? <ReportDialog /> : null}
      {panel === "voice" ? <VoiceDialog /> : null}
      {panel === "saveAs" || panel === "export" || panel === "importDraft" ? <PathDialog key={panel} purpose={panel} /> : null}
      {panel === "replaceExport" ? <ReplaceDialog /> : null}
      {panel === "recover" ? <RecoverDialog /> : null}
      {panel === "confirmReplace" ? <ConfirmReplaceDialog /> : null}
      {panel === "history" ? <HistoryDialog /> : null}
      {panel === "confirmRewrite" ? <ConfirmRewriteDialog /> : null}
    </div>
  );
}
