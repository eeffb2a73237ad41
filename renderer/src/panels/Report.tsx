import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { JudgeReport, ReportSettings } from "../../../electron/common/api";
import { QUALITY_DIMENSIONS, type QualityDimension } from "../../../electron/common/metrics/quality";
import { manuscriptReport, type ManuscriptReport } from "../../../electron/common/report/report";
import type { MessageKey } from "../i18n/en";
import { useT } from "../i18n/useT";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";
import { phrasesToText, repetitionBars, sectionChart, textToPhrases } from "./report";

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const DIMENSION_KEYS: Record<QualityDimension, MessageKey> = {
  Relevance: "report.dim.relevance",
  Accuracy: "report.dim.accuracy",
  Coherence: "report.dim.coherence",
  Clarity: "report.dim.clarity",
  "Breadth and Depth": "report.dim.breadth",
  "Reading Experience": "report.dim.reading",
};

/** The value, changed at most every `ms`: the report of a long document is not computed per token. */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    const take = () => {
      last.current = Date.now();
      setShown(value);
    };
    if (wait <= 0) {
      take();
      return;
    }
    const timer = setTimeout(take, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

/** The manuscript report: words per section against budgets, repetition, stock phrases, the judge. */
export function ReportDialog() {
  const t = useT();
  // While the model writes, the manuscript changes every frame: the report follows every second.
  const manuscript = useThrottled(
    useStore((s) => s.manuscript),
    1000,
  );
  const [settings, setSettings] = useState<ReportSettings | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);

  useEffect(() => {
    const api = useStore.getState().api;
    if (!api) return;
    api.call("report.settings", {}).then(setSettings, (error: unknown) => setSettingsError(describe(error)));
  }, []);

  const report = useMemo(() => (manuscript && settings ? manuscriptReport(manuscript, { stockPhrases: settings.stockPhrases }) : manuscript ? manuscriptReport(manuscript, { stockPhrases: [] }) : null), [manuscript, settings]);

  return (
    <Dialog title={t("report.title")} wide>
      <div className="panel-body report">
        {report ? (
          <>
            <Overview report={report} />
            <Sections report={report} />
            <Repetition report={report} />
            <StockPhrases report={report} settings={settings} onSaved={setSettings} />
            <Quality settings={settings} onSaved={setSettings} />
          </>
        ) : (
          <p className="muted">{t("report.noDocument")}</p>
        )}
        {settingsError ? (
          <p className="field-error" role="alert">
            {t("report.settingsFailed", { message: settingsError })}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}

function Overview({ report }: { report: ManuscriptReport }) {
  const t = useT();
  return (
    <p className="report-overview">
      {report.target !== null ? t("report.wordsOfTarget", { words: report.words, target: report.target }) : t("report.words", { words: report.words })}
      {report.score !== null ? ` · ${t("report.lengthScore", { score: report.score.toFixed(1) })}` : ""}
    </p>
  );
}

function Sections({ report }: { report: ManuscriptReport }) {
  const t = useT();
  const id = useId();
  const chart = sectionChart(report.sections);
  const fit = (title: string) => (title.length > 24 ? `${title.slice(0, 23)}…` : title);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("report.sections")}</h3>
      {report.sections.length === 0 ? (
        <p className="muted">{t("report.noPlan")}</p>
      ) : (
        <>
          <svg className="report-chart" role="img" aria-labelledby={`${id}-title`} viewBox={`0 0 ${chart.width} ${chart.height}`} width="100%" data-testid="report-chart">
            {chart.ticks.map((tick) => (
              <g key={tick.value} className="report-tick">
                <line x1={tick.x} x2={tick.x} y1={0} y2={chart.height - 18} />
                <text x={tick.x} y={chart.height - 4} textAnchor="middle">
                  {tick.value.toLocaleString()}
                </text>
              </g>
            ))}
            {chart.rows.map((row) => (
              <g key={row.id} data-state={row.state} className="report-row">
                <title>{t("report.barTitle", { title: row.title, words: row.words, budget: row.budget })}</title>
                <text x={chart.plotX - 8} y={row.y + chart.rowHeight / 2 + 4} textAnchor="end">
                  {fit(row.title)}
                </text>
                <rect className="report-bar" x={chart.plotX} y={row.y + 5} width={Math.max(0, row.wordsWidth)} height={chart.rowHeight - 10} rx={2} />
                {row.budgetX !== null ? <line className="report-budget" x1={chart.plotX + row.budgetX} x2={chart.plotX + row.budgetX} y1={row.y + 2} y2={row.y + chart.rowHeight - 2} /> : null}
              </g>
            ))}
          </svg>
          <p className="muted report-legend">{t("report.legend")}</p>
          <table className="report-table">
            <thead>
              <tr>
                <th scope="col">{t("report.section")}</th>
                <th scope="col">{t("report.wordsColumn")}</th>
                <th scope="col">{t("report.budget")}</th>
                <th scope="col">{t("report.score")}</th>
              </tr>
            </thead>
            <tbody>
              {report.sections.map((s, i) => (
                <tr key={s.id} data-state={chart.rows[i]!.state}>
                  <th scope="row">{s.title}</th>
                  <td>{s.words.toLocaleString()}</td>
                  <td>{s.budget > 0 ? s.budget.toLocaleString() : "—"}</td>
                  <td>{s.score === null ? "—" : s.score.toFixed(1)}</td>
                </tr>
              ))}
              {report.otherWords > 0 ? (
                <tr>
                  <th scope="row" className="muted">
                    {t("report.otherWords")}
                  </th>
                  <td>{report.otherWords.toLocaleString()}</td>
                  <td>—</td>
                  <td>—</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Repetition({ report }: { report: ManuscriptReport }) {
  const t = useT();
  const id = useId();
  const rep = report.repetition;
  const { bars, barWidth } = repetitionBars(rep, 560, 60);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("report.repetition")}</h3>
      <p data-testid="report-repetition">{t("report.repetitionShare", { share: (rep.share * 100).toFixed(1), n: rep.n, ngrams: rep.ngrams })}</p>
      {bars.length > 0 ? (
        <svg className="report-steps" role="img" aria-label={t("report.repetitionPerStep")} viewBox="0 0 560 64" width="100%">
          <line className="report-tick" x1={0} x2={560} y1={62 - 0.2 * 60} y2={62 - 0.2 * 60} />
          {bars.map((b) => (
            <rect key={b.step} className="report-step" data-high={b.high || undefined} x={b.x} y={62 - b.height} width={barWidth} height={Math.max(b.height, 0.5)}>
              <title>{t("report.stepShare", { step: b.step, share: (b.share * 100).toFixed(1) })}</title>
            </rect>
          ))}
        </svg>
      ) : null}
      {rep.top.length > 0 ? (
        <p className="muted">
          {t("report.mostRepeated")} {rep.top.slice(0, 5).map((x) => `“${x.phrase}” ×${x.count}`).join(", ")}
        </p>
      ) : null}
    </section>
  );
}

function StockPhrases({ report, settings, onSaved }: { report: ManuscriptReport; settings: ReportSettings | null; onSaved(s: ReportSettings): void }) {
  const t = useT();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const next = await useStore.getState().api!.call("report.setSettings", { stockPhrases: textToPhrases(text) });
      onSaved(next);
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("report.stockPhrases")}</h3>
      {report.stockPhrases.length === 0 ? (
        <p className="muted">{t("report.noStockPhrases", { count: settings?.stockPhrases.length ?? 0 })}</p>
      ) : (
        <ul className="report-phrases" data-testid="report-phrases">
          {report.stockPhrases.map((h) => (
            <li key={h.phrase}>
              “{h.phrase}” ×{h.count} <span className="muted">{t("report.inSteps", { steps: h.steps.join(", ") })}</span>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <form onSubmit={(e) => void save(e)} className="report-phrase-form">
          <label htmlFor={`${id}-list`}>{t("report.phraseList")}</label>
          <textarea id={`${id}-list`} rows={8} value={text} onChange={(e) => setText(e.target.value)} />
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="panel-actions">
            <button type="button" onClick={() => setEditing(false)}>
              {t("report.cancel")}
            </button>
            <button type="submit" className="primary">
              {t("report.savePhrases")}
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          disabled={settings === null}
          onClick={() => {
            setText(phrasesToText(settings?.stockPhrases ?? []));
            setEditing(true);
          }}
        >
          {t("report.editPhrases")}
        </button>
      )}
    </section>
  );
}

function Quality({ settings, onSaved }: { settings: ReportSettings | null; onSaved(s: ReportSettings): void }) {
  const t = useT();
  const id = useId();
  const projectId = useStore((s) => s.document?.projectId ?? null);
  const judge = settings?.judge ?? null;
  const [kind, setKind] = useState<"none" | "server" | "local">("none");
  const [url, setUrl] = useState("");
  const [model, setModel] = useState("");
  const [key, setKey] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<JudgeReport | null>(null);
  const [judging, setJudging] = useState(false);
  const [judgeError, setJudgeError] = useState<string | null>(null);

  useEffect(() => {
    setKind(judge === null ? "none" : judge.kind);
    if (judge?.kind === "server") {
      setUrl(judge.url);
      setModel(judge.model ?? "");
    }
  }, [judge]);

  const saveJudge = async (e: FormEvent) => {
    e.preventDefault();
    let change: { kind: "server"; url: string; model: string | null; apiKey?: string } | { kind: "local" } | null = null;
    if (kind === "server") {
      try {
        const parsed = new URL(url.trim());
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
      } catch {
        setFormError(t("report.judgeUrlInvalid"));
        return;
      }
      change = { kind: "server", url: url.trim(), model: model.trim() || null, ...(key ? { apiKey: key } : {}) };
    } else if (kind === "local") change = { kind: "local" };
    try {
      onSaved(await useStore.getState().api!.call("report.setSettings", { judge: change }));
      setKey("");
      setFormError(null);
    } catch (err) {
      setFormError(describe(err));
    }
  };

  const run = async () => {
    if (!projectId) return;
    setJudging(true);
    setJudgeError(null);
    try {
      setResult(await useStore.getState().api!.call("report.judge", { projectId }));
    } catch (err) {
      setJudgeError(describe(err));
    } finally {
      setJudging(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("report.quality")}</h3>
      <p className="muted">{t("report.qualityHint")}</p>
      <form className="server-form" onSubmit={(e) => void saveJudge(e)} noValidate>
        <label htmlFor={`${id}-kind`}>{t("report.judge")}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="none">{t("report.judgeNone")}</option>
          <option value="server">{t("report.judgeServer")}</option>
          <option value="local">{t("report.judgeLocal")}</option>
        </select>
        {kind === "server" ? (
          <>
            <label htmlFor={`${id}-url`}>{t("report.judgeUrl")}</label>
            <input id={`${id}-url`} type="url" value={url} placeholder="http://127.0.0.1:8081" onChange={(e) => setUrl(e.target.value)} aria-invalid={formError !== null} />
            <label htmlFor={`${id}-model`}>{t("report.judgeModel")}</label>
            <input id={`${id}-model`} type="text" value={model} onChange={(e) => setModel(e.target.value)} />
            <label htmlFor={`${id}-key`}>{t("report.judgeKey")}</label>
            <input id={`${id}-key`} type="password" autoComplete="off" value={key} placeholder={judge?.kind === "server" && judge.hasApiKey ? t("report.judgeKeySet") : ""} onChange={(e) => setKey(e.target.value)} />
          </>
        ) : null}
        {formError ? (
          <p className="field-error" role="alert">
            {formError}
          </p>
        ) : null}
        <button type="submit" disabled={settings === null}>
          {t("report.saveJudge")}
        </button>
      </form>
      {judge ? (
        <p>
          <button type="button" className="primary" onClick={() => void run()} disabled={judging || !projectId}>
            {judging ? t("report.judging") : t("report.judgeNow")}
          </button>
        </p>
      ) : null}
      {judgeError ? (
        <p className="field-error" role="alert">
          {judgeError}
        </p>
      ) : null}
      {result ? <JudgeResult result={result} /> : null}
    </section>
  );
}

function JudgeResult({ result }: { result: JudgeReport }) {
  const t = useT();
  if (!result.scores || !result.dimensions || result.score === null) {
    return (
      <p className="field-error" role="alert">
        {t("report.judgeFailed", { judge: result.judge, message: result.error ?? "" })}
      </p>
    );
  }
  return (
    <div data-testid="report-quality">
      <p>
        <strong>{t("report.qualityScore", { score: result.score.toFixed(1) })}</strong> <span className="muted">{result.judge}</span>
      </p>
      <table className="report-table">
        <tbody>
          {QUALITY_DIMENSIONS.map((d) => (
            <tr key={d}>
              <th scope="row">{t(DIMENSION_KEYS[d])}</th>
              <td>{result.scores![d]} / 5</td>
              <td>{result.dimensions![d].toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.analysis ? <p className="muted">“{result.analysis}”</p> : null}
      {result.malformed > 0 ? <p className="muted">{t("report.malformed", { count: result.malformed })}</p> : null}
      {result.note ? <p className="muted">{t("report.localNote")}</p> : null}
    </div>
  );
}
