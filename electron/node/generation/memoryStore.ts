import { applyEdit, type EditResult, type ManuscriptEdit } from "../../common/manuscript/edits";
import type { Manuscript } from "../../common/manuscript/types";
import type { ManuscriptStore } from "./service";

/**
 * Manuscripts kept in memory only: for evaluations (nothing to save) and tests. Snapshots are kept as
 * labels with the manuscript of the moment.
 */
export class MemoryStore implements ManuscriptStore {
  private readonly docs = new Map<string, { manuscript: Manuscript; version: number }>();
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

  update(projectId: string, change: (m: Manuscript) => Manuscript): { currentVersion: number } {
    const doc = this.docs.get(projectId);
    if (!doc) throw new Error(`No document ${projectId}.`);
    doc.manuscript = change(doc.manuscript);
    return { currentVersion: ++doc.version };
  }

  applyEdit(projectId: string, edit: ManuscriptEdit): EditResult {
    const result = applyEdit(this.getManuscript(projectId), edit);
    if (result.ok) this.update(projectId, () => result.manuscript);
    return result;
  }

  async snapshot(projectId: string, label: string): Promise<void> {
    this.snapshots.push({ projectId, label, manuscript: this.getManuscript(projectId) });
  }
}
