/** The public moderation log, the moderators' report queue, and the form a moderator acts through. */
import type { ModerationEntry, Report } from '../../store/moderation.repository.js';
import { CsrfField, FormError } from './components/forms.js';
import { Layout } from './layout.js';

const ACTION_LABELS: Record<string, string> = {
  'hide-paper': 'hid a paper',
  'restore-paper': 'restored a paper',
  'hide-comment': 'hid a comment',
  'restore-comment': 'restored a comment',
  ban: 'suspended a member',
  unban: 'lifted a suspension',
  grant: 'changed a role',
  'dismiss-reports': 'dismissed reports',
};

function targetHref(e: { targetType: string; targetId: string; targetLabel: string }): string | null {
  if (e.targetType === 'paper') return `/papers/${encodeURI(e.targetId)}`;
  if (e.targetType === 'user') return `/users/${e.targetId}`;
  // "comment 12 on 2505.20278": the comment's place on its paper page.
  const onPaper = /^comment \d+ on (\S+)$/.exec(e.targetLabel);
  return onPaper ? `/papers/${encodeURI(onPaper[1]!)}#comment-${e.targetId}` : null;
}

export function ModerationLogView({ entries, olderHref }: { entries: ModerationEntry[]; olderHref: string | null }) {
  return (
    <Layout title="Moderation log">
      <section>
        <h1>Moderation log</h1>
        <p class="muted">Every action moderators take, with their reason. Entries are never edited or removed.</p>
        {entries.length === 0 ? <p class="empty-state">No moderation actions yet.</p> : null}
        {/* Scrolls sideways on a phone; focusable so the keyboard can scroll it (WCAG 2.1.1). */}
        <div class="table-scroll" tabindex={0} role="region" aria-label="Moderation log entries">
          <table class="log-table">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Moderator</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const href = targetHref(e);
                return (
                  <tr key={e.id}>
                    <td>
                      <time datetime={e.createdAt}>{e.createdAt.slice(0, 16).replace('T', ' ')}</time>
                    </td>
                    <td>{e.moderatorName}</td>
                    <td>{ACTION_LABELS[e.action] ?? e.action}</td>
                    <td>{href ? <a href={href}>{e.targetLabel}</a> : e.targetLabel}</td>
                    <td>{e.reason}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {olderHref ? (
          <p>
            <a href={olderHref}>Older entries →</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

export function ReportsView({ reports }: { reports: Array<Report & { href: string; moderateHref: string }> }) {
  return (
    <Layout title="Reports">
      <section>
        <h1>Open reports</h1>
        {reports.length === 0 ? <p class="empty-state">No open reports.</p> : null}
        <ul class="plain-list">
          {reports.map((r) => (
            <li key={r.id}>
              <a href={r.href}>
                {r.targetType} {r.targetId}
              </a>{' '}
              — “{r.reason}” <span class="muted">({r.createdAt.slice(0, 16).replace('T', ' ')})</span> · <a href={r.moderateHref}>Moderate</a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

export interface ModerateAction {
  action: string;
  label: string;
  danger?: boolean;
}

/** One subject (a paper, a comment, a member), what it is, and the actions available, each needing a reason. */
export function ModerateView({ title, subject, subjectHref, postTo, actions, error }: { title: string; subject: string; subjectHref: string | null; postTo: string; actions: ModerateAction[]; error?: string }) {
  return (
    <Layout title={title}>
      <section class="form-page">
        <h1>{title}</h1>
        <p>{subjectHref ? <a href={subjectHref}>{subject}</a> : subject}</p>
        <FormError message={error} />
        <form method="post" action={postTo} class="stacked-form">
          <CsrfField />
          <label for="mod-reason">Reason (public, in the moderation log)</label>
          <textarea id="mod-reason" name="reason" rows={2} maxlength={500} required />
          <div class="button-row">
            {actions.map((a) => (
              <button key={a.action} type="submit" name="action" value={a.action} class={a.danger ? 'danger-button' : 'secondary-button'}>
                {a.label}
              </button>
            ))}
          </div>
        </form>
      </section>
    </Layout>
  );
}
