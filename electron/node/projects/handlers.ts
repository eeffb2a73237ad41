import type { ProjectFailure, projectRequests } from "../../common/api/projects";
import { defineHandlers, type ApiHandlers } from "../../common/api/server";
import { isProjectError } from "../../common/project/errors";
import type { ProjectState } from "../../common/project/state";
import { ExportTargets } from "../export/exportTargets";
import type { ProjectsService } from "./service";

/** A refusal the UI shows as data (open, import); any other error goes up as a failed request. */
function failure(error: unknown): { ok: false; error: ProjectFailure } {
  if (!isProjectError(error)) throw error;
  const backupPath = error.details.backupPath;
  return { ok: false, error: { code: error.code, message: error.message, ...(typeof backupPath === "string" ? { backupPath } : {}) } };
}

function saved(state: ProjectState) {
  return {
    projectId: state.projectId,
    path: state.path,
    savedAt: state.savedAt,
    currentVersion: state.currentVersion,
    lastSavedVersion: state.lastSavedVersion,
    modified: state.modified,
  };
}

/** The requests these handlers answer: every projects request but the recent list (app/handlers.ts). */
export type ProjectHandlers = Pick<ApiHandlers, Exclude<keyof typeof projectRequests, "projects.list">>;

/** The projects part of the API, answered by a ProjectsService. */
export function createProjectHandlers(service: ProjectsService): ProjectHandlers {
  const exportTargets = new ExportTargets();
  return defineHandlers({
    "projects.create": async (p) =>
      service.create({
        instruction: p.instruction,
        targetWords: p.targetWords,
        language: p.language ?? "auto",
        mode: p.mode ?? null,
        model: p.model ?? null,
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.path !== undefined ? { path: p.path } : {}),
        ...(p.replace !== undefined ? { replace: p.replace } : {}),
        ...(p.voice !== undefined ? { voice: p.voice } : {}),
      }),
    "projects.open": async ({ path, force }) => {
      try {
        return { ok: true as const, ...(await service.open(path, { force: force ?? false })) };
      } catch (error) {
        return failure(error);
      }
    },
    "projects.recoverable": async ({ includeOpen }) => service.listRecoverable({ includeOpen: includeOpen ?? false }),
    "projects.recover": async ({ projectId }) => {
      try {
        return { ok: true as const, ...(await service.openRecovered(projectId)) };
      } catch (error) {
        return failure(error);
      }
    },
    "projects.get": async ({ projectId }) => service.getState(projectId),
    "projects.update": async ({ projectId, edit, title, generation }) => {
      // While the model writes the document, the generation service takes the edit (see claimEdits).
      const taken = edit ? service.applyEdit(projectId, edit) : null;
      if (taken && !taken.ok) return { ok: false as const, error: { kind: taken.error.kind, message: taken.error.message } };
      if (title !== undefined || generation !== undefined) {
        service.updateProject(projectId, { ...(title !== undefined ? { title } : {}), ...(generation !== undefined ? { generation } : {}) });
      }
      return { ok: true as const, project: service.getState(projectId), ...(taken?.edit ? { edit: taken.edit } : {}) };
    },
    "projects.save": async ({ projectId }) => saved(await service.save(projectId)),
    "projects.saveAs": async ({ projectId, path, replace }) => {
      try {
        const done = await service.saveAs(projectId, path, replace === undefined ? {} : { replace });
        return { ok: true as const, ...saved(done), ...(done.backup ? { backup: done.backup } : {}) };
      } catch (error) {
        // A file in the way the writer was not asked about yet: an answer the UI asks with, not a failure.
        if (isProjectError(error, "exists")) return { ok: false as const, reason: "exists" as const, path: String(error.details.path ?? path), message: error.message };
        throw error;
      }
    },
    "projects.suggestPath": async ({ projectId, extension }) => service.suggestPath(projectId, extension),
    "projects.close": async ({ projectId, discard }) => {
      await service.close(projectId, { discard: discard ?? false });
      return { closed: true as const };
    },
    "projects.history.list": async ({ projectId }) => service.history(projectId),
    "projects.history.snapshot": async ({ projectId, label, reason }) => service.snapshot(projectId, label, reason ?? "manual"),
    "projects.history.read": async ({ projectId, snapshotId }) => service.readSnapshot(projectId, snapshotId),
    "projects.history.restore": async ({ projectId, snapshotId }) => service.restore(projectId, snapshotId),
    "projects.exportFormats": async () => {
      // Loaded on first use, like the exporters themselves (the DOCX library is large).
      const { listExporters } = await import("../export/registry");
      return listExporters().map(({ id, extension, label }) => ({ id, extension, label }));
    },
    "projects.export": async ({ projectId, path, format, withPlan, planPlacement, author, overwrite }) => {
      // The format and extension first: a refused name needs no question about replacing it.
      const { findExporter } = await import("../export/registry");
      findExporter(format, path);
      await service.prepareFolder(path);
      const target = await exportTargets.check(path, overwrite ?? false);
      if (!target.ok) return target;
      const done = await service.export(projectId, {
        path: target.path,
        withPlan: withPlan ?? false,
        planPlacement: planPlacement ?? "appendix",
        ...(format !== undefined ? { format } : {}),
        ...(author?.trim() ? { author: author.trim() } : {}),
      });
      exportTargets.remember(done.path);
      return { ok: true as const, ...done };
    },
    "projects.import": async ({ path, out }) => {
      try {
        const { notices, ...project } = await service.import(path, out !== undefined ? { out } : {});
        return { ok: true as const, project, recovery: { recovered: false as const }, lock: { held: true, heldBy: null, tookOverStale: false }, notices };
      } catch (error) {
        return failure(error);
      }
    },
  } satisfies Partial<ApiHandlers>);
}
