import type { PendingEdit } from "../../common/api/generation";
import { applyEdit, type EditError, type ManuscriptEdit } from "../../common/manuscript/edits";
import type { Manuscript } from "../../common/manuscript/types";
import type { ManuscriptStore } from "./service";

type TakenEdit = { ok: true; manuscript: Manuscript; edit?: PendingEdit } | { ok: false; error: EditError };

/**
 * Manuscripts kept in memory only: for evaluations (nothing to save) and tests. Snapshots are kept as
 * labels with the manuscript of the moment. Like the projects service, it hands a document's edits to
 * the generation writing it.
 */
export class MemoryStore implements ManuscriptStore {
  private readonly docs = new Map<string, { manuscript: Manuscript; version: number }>();
  private readonly owners = new Map<string, (edit: ManuscriptEdit) => TakenEdit>();
  readonly snapshots: { projectId: string; label: string; manuscript: Manuscript }[] = [];

  put(projectId: string, manuscript: Manuscript): void {
    this.docs.set(projectId, { manuscript, version: 0 });
  }

  delete(projectId: string): void {
    this.docs.delete(projectId);
  }

  getManuscript(projectId: string): Manuscript {
    const doc = this.docs.get(projectId);
    if (!doc) throw new Error(`No document ${projectId}.`);
    return doc.manuscript;
  }

  update(projectId: string, change: (m: Manuscript) => Manuscript): { currentVersion: number; modified: boolean } {
    const doc = this.docs.get(projectId);
    if (!doc) throw new Error(`No document ${projectId}.`);
    doc.manuscript = change(doc.manuscript);
    return { currentVersion: ++doc.version, modified: true };
  }

  claimEdits(projectId: string, owner: (edit: ManuscriptEdit) => TakenEdit): () => void {
    this.owners.set(projectId, owner);
    return () => {
      if (this.owners.get(projectId) === owner) this.owners.delete(projectId);
    };
  }

  applyEdit(projectId: string, edit: ManuscriptEdit): TakenEdit {
    const owner = this.owners.get(projectId);
    if (owner) return owner(edit);
    const result = applyEdit(this.getManuscript(projectId), edit);
    if (result.ok) this.update(projectId, () => result.manuscript);
    return result;
  }

  async snapshot(projectId: string, label: string): Promise<void> {
    this.snapshots.push({ projectId, label, manuscript: this.getManuscript(projectId) });
  }
}
