import { Layout } from './layout.js';

export function ErrorView({ status, title, message }: { status: number; title: string; message: string }) {
  return (
    <Layout title={title}>
      <section class="error-page">
        <h1>
          {status} · {title}
        </h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to today's papers</a>
        </p>
      </section>
    </Layout>
  );
}
