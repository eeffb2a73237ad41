import { useId, useState, type FormEvent } from "react";
import type { BibleEntry, BibleEntryInput, BibleKind, Proposal } from "../../../electron/common/memory/types";
import { bibleKinds } from "../../../electron/common/memory/types";
import { entriesInUse } from "../../../electron/common/memory/bible";
import { MAX_BIBLE_BUDGET } from "../../../electron/common/memory/limits";
import { effectiveLanguage, type ManuscriptEdit } from "../../../electron/common/manuscript";
import { useT } from "../i18n/useT";
import type { EditOutcome } from "../store/documentSlice";
import { useStore } from "../store/store";
import { AreaField, NumberField, TextField, checkWholeNumber } from "./fields";

const edit = (e: ManuscriptEdit): Promise<EditOutcome> => useStore.getState().editManuscript(e, { kind: "bible" });

const aliasesOf = (text: string) =>
  text
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");

/**
 * The story bible beside the timeline: the characters, places, objects, facts and style the model
 * must keep, which of them the next step has in view within the token budget, the model's proposals
 * to accept or dismiss, and a form for a new entry. A deleted entry can be taken back (Undo).
 */
export function BiblePanel() {
  const t = useT();
  const memory = useStore((s) => s.manuscript?.memory ?? null);
  const manuscript = useStore((s) => s.manuscript);
  const [removed, setRemoved] = useState<BibleEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!memory || !manuscript) return null;
  const inUse = entriesInUse(manuscript, effectiveLanguage(manuscript));
  const chosen = new Set(inUse.chosen.map((c) => c.entry.id));

  const remove = async (entry: BibleEntry) => {
    const outcome = await edit({ type: "removeEntry", entryId: entry.id });
    if (outcome.ok) setRemoved(entry);
    else setError(outcome.message);
  };
  const undo = async () => {
    if (!removed) return;
    const { id, ...input } = removed;
    const outcome = await edit({ type: "addEntry", entry: input, restoreId: id });
    if (outcome.ok) setRemoved(null);
    else setError(outcome.message);
  };

  return (
    <aside className="bible" aria-label={t("bible.label")}>
      <div className="list-head">
        <h2>{t("bible.title")}</h2>
      </div>
      <p className="bible-budget" data-bible-budget>
        {t("bible.inUse", { tokens: inUse.tokens, budget: memory.budget, count: inUse.chosen.length })}
        {inUse.over.length > 0 ? <span className="over"> {t("bible.over", { names: inUse.over.map((e) => e.name).join(", ") })}</span> : null}
      </p>
      <NumberField
        label={t("bible.budget")}
        value={memory.budget}
        check={(text) => checkWholeNumber(text, 0, MAX_BIBLE_BUDGET, t("bible.invalidBudget", { max: MAX_BIBLE_BUDGET }))}
        onCommit={(tokens) => edit({ type: "setBibleBudget", tokens })}
      />
      {removed ? (
        <p className="bible-removed" role="status">
          {t("bible.removed", { name: removed.name })}{" "}
          <button type="button" onClick={() => void undo()}>
            {t("bible.undo")}
          </button>
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {memory.proposals.length > 0 ? (
        <section className="bible-proposals" aria-labelledby="bible-proposals-title">
          <h3 id="bible-proposals-title">{t("bible.proposals")}</h3>
          <ul>
            {memory.proposals.map((p) => (
              <ProposalItem key={p.id} proposal={p} onError={setError} />
            ))}
          </ul>
        </section>
      ) : null}
      {memory.entries.length === 0 ? <p className="muted">{t("bible.empty")}</p> : null}
      <ul className="bible-entries">
        {memory.entries.map((entry) => (
          <EntryCard key={entry.id} entry={entry} inView={chosen.has(entry.id)} onRemove={() => void remove(entry)} />
        ))}
      </ul>
      <NewEntryForm onAdded={() => setRemoved(null)} />
    </aside>
  );
}

function EntryCard({ entry, inView, onRemove }: { entry: BibleEntry; inView: boolean; onRemove(): void }) {
  const t = useT();
  const change = (fields: Omit<Extract<ManuscriptEdit, { type: "editEntry" }>, "type" | "entryId">) => edit({ type: "editEntry", entryId: entry.id, ...fields });
  return (
    <li className="bible-entry" data-bible-entry={entry.name} data-in-view={inView || undefined}>
      <div className="step-head">
        <span className={`chip kind-${entry.kind}`}>{t(`bible.kind.${entry.kind}`)}</span>
        <TextField label={t("bible.name")} value={entry.name} onCommit={(name) => change({ name })} className="bible-name" />
        {inView ? (
          <span className="chip in-view" title={t("bible.inViewHint")}>
            {t("bible.inView")}
          </span>
        ) : null}
      </div>
      <TextField label={t("bible.aliases")} value={entry.aliases.join(", ")} onCommit={(text) => change({ aliases: aliasesOf(text) })} />
      <AreaField label={t("bible.description")} value={entry.description} onCommit={(description) => change({ description })} rows={3} />
      <div className="card-actions">
        <label>
          <input type="checkbox" checked={entry.always} onChange={(e) => void change({ always: e.target.checked })} /> {t("bible.always")}
        </label>
        <button type="button" onClick={onRemove} aria-label={t("bible.removeNamed", { name: entry.name })}>
          {t("bible.remove")}
        </button>
      </div>
    </li>
  );
}

function ProposalItem({ proposal, onError }: { proposal: Proposal; onError(message: string): void }) {
  const t = useT();
  const act = async (e: ManuscriptEdit) => {
    const outcome = await edit(e);
    if (!outcome.ok) onError(outcome.message);
  };
  return (
    <li className="bible-proposal" data-proposal={proposal.name}>
      <p>
        <strong>{proposal.name}</strong> <span className="muted">({t(`bible.kind.${proposal.kind}`)})</span> {proposal.entryId === null ? t("bible.proposalNew") : t("bible.proposalChange")}
      </p>
      <p className="muted">“{proposal.evidence}”</p>
      <div className="card-actions">
        <button type="button" onClick={() => void act({ type: "acceptProposal", proposalId: proposal.id })}>
          {t("bible.accept")}
        </button>
        <button type="button" onClick={() => void act({ type: "dismissProposal", proposalId: proposal.id })}>
          {t("bible.dismiss")}
        </button>
      </div>
    </li>
  );
}

function NewEntryForm({ onAdded }: { onAdded(): void }) {
  const t = useT();
  const id = useId();
  const [kind, setKind] = useState<BibleKind>("character");
  const [name, setName] = useState("");
  const [aliases, setAliases] = useState("");
  const [description, setDescription] = useState("");
  const [always, setAlways] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const entry: BibleEntryInput = { kind, name, aliases: aliasesOf(aliases), description, always };
    const outcome = await edit({ type: "addEntry", entry });
    if (!outcome.ok) return setError(outcome.message);
    setError(null);
    setName("");
    setAliases("");
    setDescription("");
    setAlways(false);
    onAdded();
  };
  return (
    <form className="bible-new" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("bible.newEntry")}</h3>
      <label className="field">
        <span className="field-label">{t("bible.kind")}</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as BibleKind)}>
          {bibleKinds.map((k) => (
            <option key={k} value={k}>
              {t(`bible.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">{t("bible.name")}</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">{t("bible.aliases")}</span>
        <input type="text" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder={t("bible.aliasesHint")} />
      </label>
      <label className="field field-area">
        <span className="field-label">{t("bible.description")}</span>
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        <input type="checkbox" checked={always} onChange={(e) => setAlways(e.target.checked)} /> {t("bible.always")}
      </label>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit">{t("bible.add")}</button>
    </form>
  );
}
