import { useEffect, useId, useState, type FormEvent } from "react";
import type { CatalogModel, ModelInspection } from "../../../electron/common/api";
import { useT } from "../i18n/useT";
import { formatBytes, formatDuration } from "../shell/format";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";
import { protocolProfiles, type ProtocolProfile } from "../../../electron/common/engine/catalog";
import { textInContext } from "../../../electron/common/engine/types";
import { formatDoctorReport } from "../../../electron/common/generation/doctorReport";
import { checkEngineSettings, checkSampling, samplingForm, type EngineSettingsForm, type SamplingForm } from "./modelSettings";

/** Models: the loaded one, this machine, the catalog with downloads, local files, a .gguf from disk, a remote server, settings. */
export function ModelManagerDialog() {
  const t = useT();
  useEffect(() => {
    void useStore.getState().refreshModels();
  }, []);
  const [settings, setSettings] = useState<EngineSettingsForm>({ contextSize: "", kvCacheType: "", flashAttention: "", gpuLayers: "auto", threads: "", draftModel: "" });
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  /** Loads a model with the settings of the form, once they check out. */
  const load = async (source: Parameters<ReturnType<typeof useStore.getState>["loadModel"]>[0]) => {
    const checked = checkEngineSettings(settings);
    if (!checked.ok) {
      setSettingsError(t("models.settingsInvalid", { field: t(checked.field) }));
      return;
    }
    setSettingsError(null);
    setLoadError(null);
    const outcome = await useStore.getState().loadModel(source, checked.settings);
    if (!outcome.ok) setLoadError(t("models.loadFailed", { message: outcome.message }));
  };

  return (
    <Dialog title={t("models.title")} wide>
      <div className="panel-body models">
        <LoadedModel loadError={loadError} />
        <Hardware />
        <Catalog onLoad={(id) => void load({ kind: "catalog", id })} draftModel={settings.draftModel} onUseDraft={(draftModel) => setSettings({ ...settings, draftModel })} />
        <LocalModels onLoad={(path) => void load({ kind: "file", path })} />
        <OpenFile onLoad={(path) => void load({ kind: "file", path })} />
        <RemoteServer onLoad={(baseUrl, apiKey, model) => void load({ kind: "server", baseUrl, ...(apiKey ? { apiKey } : {}), ...(model ? { model } : {}) })} />
        <Settings value={settings} onChange={setSettings} error={settingsError} />
      </div>
    </Dialog>
  );
}

function LoadedModel({ loadError }: { loadError: string | null }) {
  const t = useT();
  const engine = useStore((s) => s.engine);
  return (
    <section aria-labelledby="models-current">
      <h3 id="models-current">{t("models.current")}</h3>
      {engine?.status === "loading" ? (
        <div className="progress-row">
          <progress max={1} value={engine.loadProgress ?? undefined} aria-label={t("models.loadProgressLabel")} />
          <span>{t("models.loading", { percent: Math.round((engine.loadProgress ?? 0) * 100) })}</span>
        </div>
      ) : engine?.status === "ready" && engine.model ? (
        <>
          <p className="loaded-model">
            <strong>{engine.model.name}</strong> · {engine.device ?? ""}
            {engine.model.contextSize ? ` · ${engine.model.contextSize} ctx` : ""}{" "}
            <button type="button" onClick={() => void useStore.getState().unloadModel()}>
              {t("models.unload")}
            </button>
          </p>
          <ContextSeen tokens={engine.model.contextSize} note={engine.contextNote ?? null} />
          {engine.profile ? <ProfileChoice profile={engine.profile} reason={engine.profileReason ?? null} /> : null}
          <ModelCheck />
        </>
      ) : (
        <p className="muted">{t("models.none")}</p>
      )}
      {engine?.status === "ready" && engine.probe ? (
        engine.probe.writesTags ? (
          <p className="muted">{t("models.probeOk")}</p>
        ) : (
          <p className="field-error" role="alert">
            {t("models.probeFailed", { suggestion: engine.probe.suggestion ?? "" })}
          </p>
        )
      ) : null}
      {engine?.status === "error" && engine.error ? <p className="field-error">{t("models.loadFailed", { message: engine.error })}</p> : null}
      {loadError ? (
        <p className="field-error" role="alert">
          {loadError}
        </p>
      ) : null}
    </section>
  );
}

/**
 * "Check this model": a short session (a 600-word document) with the loaded model in its profile, and
 * its report — tags followed, thinking leaked, plan and budgets read, each step's budget, why each
 * request stopped, speed (the same as `draftline doctor`).
 */
function ModelCheck() {
  const t = useT();
  const [check, setCheck] = useState<{ kind: "idle" } | { kind: "running" } | { kind: "done"; lines: string[] } | { kind: "failed"; message: string }>({ kind: "idle" });
  const run = async () => {
    setCheck({ kind: "running" });
    const result = await useStore.getState().checkModel();
    setCheck(result.ok ? { kind: "done", lines: formatDoctorReport(result.report) } : { kind: "failed", message: result.message });
  };
  return (
    <div className="model-check">
      <button type="button" onClick={() => void run()} disabled={check.kind === "running"}>
        {t("models.check")}
      </button>
      {check.kind === "running" ? <p role="status">{t("models.checking")}</p> : null}
      {check.kind === "done" ? <pre aria-label={t("models.checkReport")}>{check.lines.join("\n")}</pre> : null}
      {check.kind === "failed" ? (
        <p className="field-error" role="alert">
          {t("models.checkFailed", { message: check.message })}
        </p>
      ) : null}
    </div>
  );
}

/** How the loaded model is driven, why, and the writer's choice of another profile. */
function ProfileChoice({ profile, reason }: { profile: ProtocolProfile; reason: string | null }) {
  const t = useT();
  const id = useId();
  return (
    <div className="profile-choice">
      <label htmlFor={id}>{t("models.profile")}</label>{" "}
      <select id={id} value={profile} onChange={(e) => void useStore.getState().setProfile(e.target.value as ProtocolProfile)}>
        {protocolProfiles.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      {reason ? <p className="muted profile-reason">{reason}</p> : null}
    </div>
  );
}

/** How much the loaded model sees at once, in tokens and about in words, and why the context is that size. */
function ContextSeen({ tokens, note }: { tokens: number; note: string | null }) {
  const t = useT();
  const text = textInContext(tokens);
  return (
    <p className="muted context-seen">
      {t("models.contextSeen", { tokens: tokens.toLocaleString("en-US"), words: text.words.toLocaleString("en-US"), characters: text.characters.toLocaleString("en-US") })}
      {note ? ` ${note}` : ""}
    </p>
  );
}

function Hardware() {
  const t = useT();
  const hardware = useStore((s) => s.hardware);
  if (!hardware) return null;
  return (
    <section aria-labelledby="models-hardware">
      <h3 id="models-hardware">{t("models.hardware")}</h3>
      <p>{hardware.gpu && hardware.gpuNames.length > 0 ? t("models.hardwareGpu", { names: `${hardware.gpuNames.join(", ")} (${String(hardware.gpu).toUpperCase()})` }) : t("models.hardwareNoGpu")}</p>
      {hardware.vram ? <p>{t("models.hardwareVram", { free: formatBytes(hardware.vram.free), total: formatBytes(hardware.vram.total) })}</p> : null}
      <p>{t("models.hardwareMemory", { ramFree: formatBytes(hardware.ram.free), ramTotal: formatBytes(hardware.ram.total), threads: hardware.cpuThreads })}</p>
    </section>
  );
}

interface DraftChoice {
  /** The draft model chosen in the settings ("" none). */
  draftModel: string;
  onUseDraft(draftModel: string): void;
}

function Catalog({ onLoad, draftModel, onUseDraft }: { onLoad(id: string): void } & DraftChoice) {
  const t = useT();
  const catalog = useStore((s) => s.catalog);
  const catalogError = useStore((s) => s.catalogError);
  return (
    <section aria-labelledby="models-catalog">
      <h3 id="models-catalog">{t("models.catalog")}</h3>
      {catalogError ? (
        <p className="field-error" role="alert">
          {t("models.catalogError", { message: catalogError })}
        </p>
      ) : null}
      <ul className="model-list">
        {catalog.map((m) => (
          <CatalogItem key={m.entry.id} model={m} onLoad={onLoad} draftModel={draftModel} onUseDraft={onUseDraft} />
        ))}
      </ul>
    </section>
  );
}

function CatalogItem({ model, onLoad, draftModel, onUseDraft }: { model: CatalogModel; onLoad(id: string): void } & DraftChoice) {
  const t = useT();
  const download = useStore((s) => s.downloads[model.entry.id]);
  const inspection = useStore((s) => (model.path ? s.inspections[model.path] : undefined));
  const downloading = download?.status === "downloading" || download?.status === "verifying" || (model.status === "downloading" && download?.status !== "cancelled");
  const done = download?.downloadedBytes ?? model.downloadedBytes;
  const total = download?.totalBytes ?? model.entry.sizeBytes ?? null;
  const status = downloading ? "downloading" : download?.status === "done" ? "ready" : download?.status === "cancelled" ? "partial" : model.status;
  return (
    <li className="model-item">
      <div>
        <strong>{model.entry.name}</strong> <span className="chip">{t(`models.status.${status}`)}</span>
        <span className="muted">
          {" "}
          · {model.entry.quantization}
          {model.entry.sizeBytes ? ` · ${formatBytes(model.entry.sizeBytes)}` : ""} · {model.entry.profile}
        </span>
      </div>
      <p className="muted">{model.entry.description}</p>
      {model.entry.source.kind === "bring-your-own" && status === "absent" ? <p className="muted">{t("models.bringYourOwn", { instructions: model.entry.source.instructions })}</p> : null}
      {downloading || status === "partial" ? (
        <div className="progress-row">
          <progress max={total ?? undefined} value={done} aria-label={t("models.progressLabel", { name: model.entry.name })} />
          <span>
            {!downloading
              ? t("models.progressKept", { done: formatBytes(done), total: total !== null ? formatBytes(total) : "?" })
              : total !== null
              ? t("models.progress", { done: formatBytes(done), total: formatBytes(total), speed: formatBytes(download?.bytesPerSecond ?? 0), left: download?.secondsLeft != null ? formatDuration(download.secondsLeft * 1000) : "–" })
              : t("models.progressUnknown", { done: formatBytes(done), speed: formatBytes(download?.bytesPerSecond ?? 0) })}
          </span>
        </div>
      ) : null}
      {download?.status === "failed" && download.error ? <p className="field-error">{t("models.downloadFailed", { message: download.error })}</p> : null}
      <div className="card-actions">
        {downloading ? (
          <button type="button" onClick={() => void useStore.getState().cancelDownload(model.entry.id)}>
            {t("models.cancel")}
          </button>
        ) : status === "ready" ? (
          <>
            <button type="button" className="primary" onClick={() => onLoad(model.entry.id)}>
              {t("models.load")}
            </button>
            {model.path ? (
              <button type="button" onClick={() => void useStore.getState().inspectModel(model.path!)}>
                {t("models.inspect")}
              </button>
            ) : null}
          </>
        ) : model.entry.source.kind === "huggingface" ? (
          <button type="button" onClick={() => void useStore.getState().download(model.entry.id)}>
            {status === "partial" ? t("models.resume") : t("models.download")}
          </button>
        ) : null}
      </div>
      {model.entry.draftModel && status === "ready" ? <DraftOffer model={model} draftModel={draftModel} onUseDraft={onUseDraft} /> : null}
      <Fit inspection={inspection} />
    </li>
  );
}

/**
 * "Speed up with a draft model": the catalog's draft model for this one, its size, and once both are
 * here the memory they need together (the fit with the draft); download it, use it, or stop using it.
 * Its vocabulary is checked against the model's when they load (refused with the token that differs).
 */
function DraftOffer({ model, draftModel, onUseDraft }: { model: CatalogModel } & DraftChoice) {
  const t = useT();
  const draft = useStore((s) => s.catalog.find((m) => m.entry.id === model.entry.draftModel));
  const download = useStore((s) => (draft ? s.downloads[draft.entry.id] : undefined));
  if (!draft) return null;
  const ready = draft.status === "ready" || download?.status === "done";
  const downloading = download?.status === "downloading" || download?.status === "verifying";
  const inUse = draftModel === draft.entry.id;
  const size = draft.entry.sizeBytes ? formatBytes(draft.entry.sizeBytes) : "?";
  const use = () => {
    onUseDraft(draft.entry.id);
    if (model.path) void useStore.getState().inspectModel(model.path, { draftModel: draft.entry.id });
  };
  const stop = () => {
    onUseDraft("");
    if (model.path) void useStore.getState().inspectModel(model.path);
  };
  return (
    <div className="draft-offer" role="group" aria-label={t("models.draftOffer")}>
      <p className="muted">{t("models.draftOfferText", { name: draft.entry.name, size })}</p>
      {inUse ? <p>{t("models.draftInUse", { name: draft.entry.name })}</p> : null}
      <div className="card-actions">
        {inUse ? (
          <button type="button" onClick={stop}>
            {t("models.draftStop")}
          </button>
        ) : ready ? (
          <button type="button" onClick={use}>
            {t("models.draftUse", { name: draft.entry.name })}
          </button>
        ) : downloading ? (
          <span className="muted">{t("models.draftDownloading", { name: draft.entry.name })}</span>
        ) : (
          <button type="button" onClick={() => void useStore.getState().download(draft.entry.id)}>
            {t("models.draftDownload", { name: draft.entry.name, size })}
          </button>
        )}
      </div>
    </div>
  );
}

function Fit({ inspection }: { inspection: ModelInspection | "checking" | undefined }) {
  const t = useT();
  if (!inspection) return null;
  if (inspection === "checking") return <p className="muted">…</p>;
  if (!inspection.ok) return <p className="field-error">{t("models.fitProblem", { problem: inspection.problem ?? "" })}</p>;
  const fit = inspection.fit;
  if (!fit) return null;
  return (
    <p className="fit" data-fits={fit.fits || undefined}>
      <strong>{t("models.fit")}:</strong> {t("models.fitScore", { score: Math.round(fit.compatibilityScore * 100) })} ·{" "}
      {fit.fits ? t("models.fitYes", { gpuLayers: fit.gpuLayers, totalLayers: fit.totalLayers, context: fit.contextSize, ram: formatBytes(fit.ramBytes), vram: formatBytes(fit.vramBytes) }) : t("models.fitNo")}
      {fit.kvCacheBytes !== undefined ? ` (${t("models.fitKv", { type: fit.kvCacheType ?? "f16", context: fit.contextSize, kv: formatBytes(fit.kvCacheBytes) })})` : ""}
      {fit.draft ? ` · ${t("models.fitDraft", { ram: formatBytes(fit.draft.ramBytes), vram: formatBytes(fit.draft.vramBytes) })}` : ""}
    </p>
  );
}

function LocalModels({ onLoad }: { onLoad(path: string): void }) {
  const t = useT();
  const local = useStore((s) => s.localModels);
  const inspections = useStore((s) => s.inspections);
  return (
    <section aria-labelledby="models-local">
      <h3 id="models-local">{t("models.local")}</h3>
      {local.length === 0 ? <p className="muted">{t("models.noLocal")}</p> : null}
      <ul className="model-list">
        {local.map((m) => (
          <li key={m.path} className="model-item">
            <div>
              <strong>{m.name}</strong> <span className="muted">{formatBytes(m.sizeBytes)}</span>
            </div>
            <p className="muted path">{m.path}</p>
            <div className="card-actions">
              <button type="button" className="primary" onClick={() => onLoad(m.path)}>
                {t("models.load")}
              </button>
              <button type="button" onClick={() => void useStore.getState().inspectModel(m.path)}>
                {t("models.inspect")}
              </button>
            </div>
            <Fit inspection={inspections[m.path]} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A .gguf from disk: the native dialog in the desktop app, a path field in the browser. */
function OpenFile({ onLoad }: { onLoad(path: string): void }) {
  const t = useT();
  const id = useId();
  const desktop = useStore((s) => s.appInfo?.shell === "electron");
  const [path, setPath] = useState("");
  const inspection = useStore((s) => (path ? s.inspections[path] : undefined));
  const pick = async () => {
    const api = useStore.getState().api;
    if (!api) return;
    try {
      const picked = await api.call("dialog.openModelFile", {});
      if (picked.path) {
        setPath(picked.path);
        void useStore.getState().inspectModel(picked.path);
      }
    } catch (error) {
      useStore.getState().pushNotice({ kind: "error", key: "notice.requestFailed", action: "models.openFile", values: { message: error instanceof Error ? error.message : String(error) } });
    }
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("models.openFile")}</h3>
      {desktop ? (
        <button type="button" onClick={() => void pick()}>
          {t("models.openFile")}
        </button>
      ) : null}
      <div className="inline-form">
        <label htmlFor={id}>{t("models.filePath")}</label>
        {/* The desktop app reads only a file its dialog returned (or one in the models folder): the field shows the choice. */}
        <input id={id} type="text" value={path} readOnly={desktop} placeholder={desktop ? "" : "/path/to/model.gguf"} onChange={(e) => setPath(e.target.value)} aria-describedby={`${id}-hint`} />
        <button type="button" disabled={path.trim() === ""} onClick={() => void useStore.getState().inspectModel(path.trim())}>
          {t("models.inspect")}
        </button>
        <button type="button" className="primary" disabled={path.trim() === ""} onClick={() => onLoad(path.trim())}>
          {t("models.load")}
        </button>
      </div>
      {!desktop ? (
        <p id={`${id}-hint`} className="field-hint">
          {t("models.filePathHint")}
        </p>
      ) : null}
      <Fit inspection={inspection} />
    </section>
  );
}

function RemoteServer({ onLoad }: { onLoad(baseUrl: string, apiKey: string, model: string): void }) {
  const t = useT();
  const id = useId();
  const [url, setUrl] = useState("");
  const [key, setKey] = useState("");
  const [model, setModel] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      const parsed = new URL(url.trim());
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
    } catch {
      setError(t("models.serverUrlInvalid"));
      return;
    }
    setError(null);
    onLoad(url.trim(), key, model.trim());
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("models.server")}</h3>
      <p className="muted">{t("models.serverHint")}</p>
      <form className="server-form" onSubmit={submit} noValidate>
        <label htmlFor={`${id}-url`}>{t("models.serverUrl")}</label>
        <input id={`${id}-url`} type="url" value={url} placeholder="http://127.0.0.1:8080/v1" onChange={(e) => setUrl(e.target.value)} aria-invalid={error !== null} aria-describedby={error ? `${id}-error` : undefined} />
        <label htmlFor={`${id}-key`}>{t("models.serverKey")}</label>
        <input id={`${id}-key`} type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
        <label htmlFor={`${id}-model`}>{t("models.serverModel")}</label>
        <input id={`${id}-model`} type="text" value={model} onChange={(e) => setModel(e.target.value)} />
        {error ? (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        ) : null}
        <button type="submit">{t("models.connect")}</button>
      </form>
    </section>
  );
}

function Settings({ value, onChange, error }: { value: EngineSettingsForm; onChange(v: EngineSettingsForm): void; error: string | null }) {
  const t = useT();
  const id = useId();
  const field = (name: keyof EngineSettingsForm, label: string) => (
    <span>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input id={`${id}-${name}`} type="text" value={value[name]} onChange={(e) => onChange({ ...value, [name]: e.target.value })} />
    </span>
  );
  const choice = (name: keyof EngineSettingsForm, label: string, options: [string, string][]) => (
    <span>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <select id={`${id}-${name}`} value={value[name]} onChange={(e) => onChange({ ...value, [name]: e.target.value })}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
  // A draft model for any model: a downloaded catalog model or a GGUF of the models folder.
  const catalog = useStore((s) => s.catalog);
  const local = useStore((s) => s.localModels);
  const draftOptions: [string, string][] = [
    ["", t("models.draftNone")],
    ...catalog.filter((m) => m.status === "ready").map((m): [string, string] => [m.entry.id, m.entry.name]),
    ...local.filter((m) => m.catalogId === null).map((m): [string, string] => [m.path, m.name]),
  ];
  if (value.draftModel !== "" && !draftOptions.some(([v]) => v === value.draftModel)) draftOptions.push([value.draftModel, value.draftModel]);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("models.settings")}</h3>
      <div className="form-row">
        {field("contextSize", t("models.contextSize"))}
        {field("kvCacheType", t("models.kvCacheType"))}
        {choice("flashAttention", t("models.flashAttention"), [
          ["", t("models.flashAttentionDefault")],
          ["on", t("models.flashAttentionOn")],
          ["off", t("models.flashAttentionOff")],
        ])}
        {field("gpuLayers", t("models.gpuLayers"))}
        {field("threads", t("models.threads"))}
        {choice("draftModel", t("models.draftModel"), draftOptions)}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <Sampling />
    </section>
  );
}

/** The loaded model's sampling, editable: it applies from the model's next request. */
function Sampling() {
  const t = useT();
  const id = useId();
  const engine = useStore((s) => s.engine);
  const ready = engine?.status === "ready";
  const current = engine?.sampling;
  const [form, setForm] = useState<SamplingForm>(() => samplingForm(current));
  const [message, setMessage] = useState<{ kind: "error" | "done"; text: string } | null>(null);
  // A model loaded (or its sampling set elsewhere) shows its values.
  useEffect(() => {
    setForm(samplingForm(current));
  }, [current]);
  const apply = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkSampling(form);
    if (!checked.ok) {
      setMessage({ kind: "error", text: t("models.settingsInvalid", { field: t(checked.field) }) });
      return;
    }
    const outcome = await useStore.getState().setSampling(checked.sampling);
    setMessage(outcome.ok ? { kind: "done", text: t("models.samplingApplied") } : { kind: "error", text: t("models.samplingFailed", { message: outcome.message }) });
  };
  const field = (name: keyof SamplingForm, label: string) => (
    <span>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type="text"
        inputMode="decimal"
        value={form[name]}
        disabled={!ready}
        onChange={(e) => {
          setForm({ ...form, [name]: e.target.value });
          setMessage(null);
        }}
      />
    </span>
  );
  return (
    <form onSubmit={(e) => void apply(e)} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t("models.sampling")}</h4>
      <div className="form-row">
        {field("temperature", t("models.temperature"))}
        {field("topP", t("models.topP"))}
        {field("minP", t("models.minP"))}
        {field("topK", t("models.topK"))}
        {field("repeatPenalty", t("models.repeatPenalty"))}
        {field("presencePenalty", t("models.presencePenalty"))}
        {field("frequencyPenalty", t("models.frequencyPenalty"))}
        {field("seed", t("models.seed"))}
      </div>
      <p className="muted">{ready ? t("models.samplingHint") : t("models.samplingNeedsModel")}</p>
      {message ? (
        <p className={message.kind === "error" ? "field-error" : "muted"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      <button type="submit" disabled={!ready}>
        {t("models.applySampling")}
      </button>
    </form>
  );
}

