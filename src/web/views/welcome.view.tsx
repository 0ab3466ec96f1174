/** The home page of an empty install: what Paperboy is and how to put papers in it. */
import { Layout } from './layout.js';

export function WelcomeView() {
  return (
    <Layout title="Paperboy">
      <section class="empty-state welcome">
        <h1>No papers yet</h1>
        <p>This Paperboy has an empty feed. Import papers from a JSON Lines file (plain or gzipped) or an arXiv metadata snapshot:</p>
        <pre class="command">
          <code>npx paperboy ingest FILE</code>
        </pre>
        <p>Then reload this page: the latest day with papers appears here, most upvoted first.</p>
      </section>
    </Layout>
  );
}
