import { z } from 'zod';
import type { FakeBotCity } from './fake-botcity.js';
import { failureRuleSchema } from './failures.js';

/**
 * The fake's HTTP control API, for other processes (the demo, service and UI tests):
 *   POST   /__control/tasks                 {activityLabel, machineId?, state?, priority?, minExecutionDate?} or {tasks: [...]}
 *   POST   /__control/tasks/:id/start       {machineId?}
 *   POST   /__control/tasks/:id/finish      {status?}
 *   POST   /__control/tasks/:id/cancel
 *   POST   /__control/machines/:id          {isOnline}
 *   POST   /__control/schedules             {cron, activityLabel, machineId?}
 *   POST   /__control/failure               {mode: {kind, ...}, route?, times?}   DELETE clears
 *   POST   /__control/expire-tokens
 *   POST   /__control/reset
 *   GET    /__control/state                 tasks, machines, schedules, alerts
 *   GET    /__control/requests              {total, byRoute, log}   DELETE clears
 *   GET    /__control/alerts
 */
const newTask = z.object({
  activityLabel: z.string().min(1),
  machineId: z.string().min(1).nullish(),
  state: z.enum(['START', 'RUNNING', 'FINISHED', 'CANCELED']).optional(),
  priority: z.number().int().min(0).max(10).optional(),
  minExecutionDate: z.union([z.number(), z.string().transform((text) => Date.parse(text))]).nullish(),
  dateCreation: z.number().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
const createTasks = z.union([z.object({ tasks: z.array(newTask).max(100_000) }), newTask]);
const startBody = z.object({ machineId: z.string().min(1).optional() }).default({});
const finishBody = z
  .object({ status: z.enum(['SUCCESS', 'FAILED', 'PARTIALLY_COMPLETED']).optional() })
  .default({});
const onlineBody = z.object({ isOnline: z.boolean() });
const scheduleBody = z.object({
  cron: z.string().min(1),
  activityLabel: z.string().min(1),
  machineId: z.string().min(1).nullish(),
});

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export function handleControl(fake: FakeBotCity, method: string, url: URL, text: string): ControlAnswer {
  let raw: unknown = undefined;
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'the body is not JSON' } };
    }
  }
  const parts = url.pathname.replace(/^\/__control\//, '').split('/');
  try {
    const key = `${method} ${parts.map((p, i) => (i === 1 && parts[0] !== 'requests' ? ':id' : p)).join('/')}`;
    const id = parts[1];
    switch (key) {
      case 'POST tasks': {
        const input = createTasks.parse(raw);
        const list = 'tasks' in input ? input.tasks : [input];
        const created = list.map((task) => fake.createTask(task));
        return { status: 201, body: 'tasks' in input ? { tasks: created } : created[0] };
      }
      case 'POST tasks/:id/start':
        return { status: 200, body: fake.startTask(Number(id), startBody.parse(raw).machineId) };
      case 'POST tasks/:id/finish':
        return { status: 200, body: fake.finishTask(Number(id), finishBody.parse(raw).status) };
      case 'POST tasks/:id/cancel':
        return { status: 200, body: fake.cancelTask(Number(id)) };
      case 'POST machines/:id':
        return { status: 200, body: fake.setOnline(decodeURIComponent(id!), onlineBody.parse(raw).isOnline) };
      case 'POST schedules':
        return { status: 201, body: fake.addSchedule(scheduleBody.parse(raw)) };
      case 'POST failure':
        fake.setFailure(failureRuleSchema.parse(raw));
        return { status: 200, body: { ok: true } };
      case 'DELETE failure':
        fake.setFailure(undefined);
        return { status: 200, body: { ok: true } };
      case 'POST expire-tokens':
        fake.expireTokens();
        return { status: 200, body: { ok: true } };
      case 'POST reset':
        fake.reset();
        return { status: 200, body: { ok: true } };
      case 'GET state':
        return {
          status: 200,
          body: {
            tasks: [...fake.state.tasks.values()],
            machines: [...fake.state.machines.values()],
            schedules: fake.state.schedules,
            alerts: fake.alerts,
          },
        };
      case 'GET requests':
        return {
          status: 200,
          body: { total: fake.requestCount(), byRoute: fake.countsByRoute(), log: fake.requests },
        };
      case 'DELETE requests':
        fake.clearRequests();
        return { status: 200, body: { ok: true } };
      case 'GET alerts':
        return { status: 200, body: fake.alerts };
      default:
        return { status: 404, body: { error: `no control route ${method} ${url.pathname}` } };
    }
  } catch (error) {
    if (error instanceof z.ZodError)
      return { status: 400, body: { error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } };
    return { status: 409, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}
