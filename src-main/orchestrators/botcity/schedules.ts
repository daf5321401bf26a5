import type { Cron } from 'croner';
import type { ScheduledRun } from '../../core/orchestrator.js';
import { readAllPages } from './paging.js';
import { quartzCron } from './quartz.js';
import { schedulePageSchema, type BotCitySchedule } from './schemas.js';
import type { BotCitySession } from './session.js';

const PATH = '/api/v2/scheduling';

/** Every schedule of the workspace; undefined when the server has no schedules listing (404). */
export async function listSchedules(
  session: BotCitySession,
  options: { pageSize: number; maxPages: number },
): Promise<{ items: BotCitySchedule[]; skipped: number } | undefined> {
  return readAllPages(session, PATH, schedulePageSchema, { ...options, noun: 'schedules' });
}

interface UpcomingRuns {
  runs: ScheduledRun[];
  /** Schedules whose cron or time zone could not be read, in words. */
  warnings: string[];
}

/** The fire times of every enabled schedule in [from, from + horizon], at most `perSchedule` each. */
export function upcomingRuns(
  schedules: BotCitySchedule[],
  from: number,
  horizonMs: number,
  perSchedule = 20,
): UpcomingRuns {
  const runs: ScheduledRun[] = [];
  const warnings: string[] = [];
  for (const schedule of schedules) {
    if (schedule.enabled === false || schedule.active === false) continue;
    let cron: Cron;
    try {
      cron = quartzCron(schedule.cron, schedule.timeZone ?? schedule.timezone ?? 'UTC');
    } catch (error) {
      warnings.push(
        `schedule ${schedule.id ?? schedule.activityLabel}: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    // croner's nextRun(start) is strictly after start; start one ms early so a run at `from` counts.
    let cursor = new Date(from - 1);
    for (let n = 0; n < perSchedule; n++) {
      const next = cron.nextRun(cursor);
      if (!next || next.getTime() > from + horizonMs) break;
      runs.push({
        activity: schedule.activityLabel,
        ...(schedule.machineId ? { runnerId: schedule.machineId } : {}),
        at: next.getTime(),
      });
      cursor = next;
    }
  }
  runs.sort((a, b) => a.at - b.at);
  return { runs, warnings };
}
