// A writer that is killed at random moments by crash.test.ts: it opens the project, then changes and
// saves it in a loop (autosave after every change, a full save every third), printing what it finished.
import { stdout } from "node:process";
import { RecentProjects } from "../recent";
import { ProjectsService } from "../service";

const [projectPath, dataDir] = process.argv.slice(2) as [string, string];
const service = new ProjectsService({ dataDir, recent: new RecentProjects(dataDir), appVersion: "crash-test", autosave: { debounceMs: 3_600_000, maxWaitMs: 3_600_000 } });
const { project } = await service.open(projectPath);
if (project.readOnly) {
  stdout.write("read-only\n");
  process.exit(3);
}
const id = project.projectId;
let counter = (project.manuscript.targetWords ?? 1000) - 1000;
for (;;) {
  counter++;
  // The target carries the counter; the text changes length so writes differ in size.
  service.update(id, (m) => ({ ...m, targetWords: 1000 + counter }), { source: "model" });
  service.applyEdit(id, { type: "editStep", stepId: "step-1", content: `Draft number ${counter}. ${"More words here. ".repeat(counter % 50)}`.trim() });
  await service.autosaveNow(id);
  stdout.write(`autosaved ${counter}\n`);
  if (counter % 3 === 0) {
    await service.save(id);
    stdout.write(`saved ${counter}\n`);
  }
}
