import { useStore } from "./store/store";

export function App() {
  const connection = useStore((s) => s.connection);
  const appInfo = useStore((s) => s.appInfo);
  const recent = useStore((s) => s.recent);

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">Draftline</h1>
        <span className="connection" data-state={connection.state} role="status" aria-live="polite">
          {connection.state === "connected" ? `Connected · ${appInfo?.shell === "web" ? "web mode" : "desktop"} · v${appInfo?.version}` : connection.state === "connecting" ? "Connecting…" : "Not connected"}
        </span>
      </header>
      <main className="app-main">
        {connection.state === "failed" ? (
          <section className="empty-state" role="alert">
            <h2>Draftline cannot reach its back end</h2>
            <p>{connection.message}</p>
          </section>
        ) : (
          <section className="empty-state">
            <h2>Write a long document with your own model</h2>
            <p>Give an instruction and a target length; the model plans, writes and reflects, and you can edit everything as it goes.</p>
            <h3>Recent projects</h3>
            {recent.length === 0 ? <p className="muted">No projects yet.</p> : (
              <ul className="recent">
                {recent.map((p) => (
                  <li key={p.path}>
                    {p.title} <span className="muted">{p.words} / {p.target} words</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </main>
    </div>
  );
}
