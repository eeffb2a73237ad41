/** A long-lived part of the back end (engine, projects, generation) with a start and a stop. */
export interface Service {
  readonly name: string;
  boot?(): Promise<void>;
  /** Must release what the service holds (the model, file locks) even when other services failed. */
  shutdown?(): Promise<void>;
}

/**
 * Boots services in order and shuts them down in reverse. A failing shutdown is reported and the
 * others still run, so model disposal happens even when, say, a final save fails.
 */
export class ServiceContainer {
  private readonly booted: Service[] = [];

  constructor(
    private readonly services: Service[],
    private readonly report: (message: string) => void = (m) => console.error(m),
  ) {}

  async boot(): Promise<void> {
    for (const service of this.services) {
      await service.boot?.();
      this.booted.push(service);
    }
  }

  async shutdown(): Promise<void> {
    const errors: string[] = [];
    while (this.booted.length > 0) {
      const service = this.booted.pop();
      try {
        await service?.shutdown?.();
      } catch (error) {
        const message = `${service?.name}: ${error instanceof Error ? error.message : String(error)}`;
        errors.push(message);
        this.report(`draftline: shutting down ${message}`);
      }
    }
    if (errors.length > 0) throw new Error(`Some services did not shut down cleanly: ${errors.join("; ")}`);
  }
}
