/**
 * Moderation: members' reports and the public moderation log. The log is append-only — this repository has no way to
 * change or remove an entry, and migration 004 adds database triggers that refuse UPDATE and DELETE on it.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, ReportTarget } from './schema.js';

export interface ModerationEntry {
  id: number;
  createdAt: string;
  moderatorName: string;
  action: string;
  targetType: ReportTarget;
  targetId: string;
  targetLabel: string;
  reason: string;
}

export interface Report {
  id: number;
  reporterId: number;
  targetType: ReportTarget;
  targetId: string;
  reason: string;
  createdAt: string;
}

export class ModerationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async log(e: Omit<ModerationEntry, 'id'> & { moderatorId: number | null }): Promise<void> {
    await this.db
      .insertInto('moderation_log')
      .values({
        created_at: e.createdAt,
        moderator_id: e.moderatorId,
        moderator_name: e.moderatorName,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        target_label: e.targetLabel,
        reason: e.reason,
      })
      .execute();
  }

  /** Newest first; `beforeId` pages back. */
  async entries(limit: number, beforeId?: number): Promise<ModerationEntry[]> {
    let q = this.db.selectFrom('moderation_log').selectAll().orderBy('id', 'desc').limit(limit);
    if (beforeId !== undefined) q = q.where('id', '<', beforeId);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: Number(r.id),
      createdAt: r.created_at,
      moderatorName: r.moderator_name,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      targetLabel: r.target_label,
      reason: r.reason,
    }));
  }

  /** Files a report; a member reports one thing once (false when already reported). */
  async report(r: Omit<Report, 'id'>): Promise<boolean> {
    const res = await this.db
      .insertInto('reports')
      .values({ reporter_id: r.reporterId, target_type: r.targetType, target_id: r.targetId, reason: r.reason, created_at: r.createdAt, resolved_at: null, resolved_by: null })
      .onConflict((oc) => oc.columns(['reporter_id', 'target_type', 'target_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async openReports(limit: number): Promise<Report[]> {
    const rows = await this.db.selectFrom('reports').selectAll().where('resolved_at', 'is', null).orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), reporterId: Number(r.reporter_id), targetType: r.target_type, targetId: r.target_id, reason: r.reason, createdAt: r.created_at }));
  }

  /** Removes reports about members and comments that no longer exist (account deletion, comment deletion). */
  async deleteReportsAboutGone(): Promise<void> {
    await this.db
      .deleteFrom('reports')
      .where('target_type', '=', 'user')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users').select('users.id').where(sql<boolean>`cast(users.id as text) = reports.target_id`))))
      .execute();
    await this.db
      .deleteFrom('reports')
      .where('target_type', '=', 'comment')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('comments').select('comments.id').where('comments.deleted_at', 'is', null).where(sql<boolean>`cast(comments.id as text) = reports.target_id`))),
      )
      .execute();
  }

  /** Closes every open report about a target (it was acted on or dismissed). */
  async resolve(targetType: ReportTarget, targetId: string, moderatorId: number, now: string): Promise<number> {
    const r = await this.db
      .updateTable('reports')
      .set({ resolved_at: now, resolved_by: moderatorId })
      .where('target_type', '=', targetType)
      .where('target_id', '=', targetId)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
