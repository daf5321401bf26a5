import { Paper, Text, Title } from '@mantine/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { OperationOutput } from '../../../src-main/api/contract.js';

type CostReport = OperationOutput<'getCost'>;

const tooltipStyle = {
  background: 'var(--mantine-color-body)',
  borderColor: 'var(--mantine-color-default-border)',
};

/** Money when every host in the report has a price, VM-hours otherwise. */
export function measureOf(report: CostReport): {
  label: string;
  used: (row: CostReport['total']) => number;
  alwaysOn: (row: CostReport['total']) => number;
} {
  return report.total.cost !== undefined
    ? { label: report.currency, used: (row) => row.cost ?? 0, alwaysOn: (row) => row.alwaysOnCost ?? 0 }
    : { label: 'VM-hours', used: (row) => row.vmHours, alwaysOn: (row) => row.alwaysOnVmHours };
}

function ChartPanel(props: {
  id: string;
  title: string;
  summary: string;
  height: number;
  children: React.ReactElement;
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="sm" id={`${props.id}-title`}>
        {props.title}
      </Title>
      <div
        style={{ height: props.height }}
        role="img"
        aria-labelledby={`${props.id}-title`}
        aria-describedby={`${props.id}-summary`}
      >
        <ResponsiveContainer width="100%" height="100%">
          {props.children}
        </ResponsiveContainer>
      </div>
      <Text size="sm" mt="xs" id={`${props.id}-summary`}>
        {props.summary}
      </Text>
    </Paper>
  );
}

/** Spend per day against the same fleet always on. */
export function SpendPerDay({ report }: { report: CostReport }) {
  const measure = measureOf(report);
  const data = report.rows.map((row) => ({
    day: row.key.slice(5),
    used: measure.used(row),
    alwaysOn: measure.alwaysOn(row),
  }));
  // The day that spent most (none when nothing was recorded).
  const top = report.rows.reduce<CostReport['total'] | undefined>(
    (best, row) => (!best || measure.used(row) > measure.used(best) ? row : best),
    undefined,
  );
  return (
    <ChartPanel
      id="spend-day"
      title={`Spend per day (${measure.label})`}
      height={260}
      summary={
        top
          ? `Most in a day: ${measure.used(top).toFixed(2)} ${measure.label} on ${top.key}.`
          : 'Nothing recorded in this period yet.'
      }
    >
      <BarChart data={data} margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
        <XAxis dataKey="day" stroke="var(--mantine-color-dimmed)" />
        <YAxis stroke="var(--mantine-color-dimmed)" width={50} />
        <Tooltip contentStyle={tooltipStyle} />
        <Legend />
        <Bar dataKey="used" name="Spent" fill="var(--mantine-color-blue-6)" isAnimationActive={false} />
        <Bar
          dataKey="alwaysOn"
          name="Always on"
          fill="var(--mantine-color-gray-5)"
          isAnimationActive={false}
        />
      </BarChart>
    </ChartPanel>
  );
}

/** Spend per runner (a host's time shared by its runners) or per automation (by their tasks' running time). */
export function SpendPerRunner({ report, split }: { report: CostReport; split: 'runner' | 'automation' }) {
  const measure = measureOf(report);
  const data = report.rows.map((row) => ({ runner: row.key, used: measure.used(row) }));
  return (
    <ChartPanel
      id="spend-runner"
      title={`Spend per ${split} (${measure.label})`}
      height={Math.max(120, 40 * data.length + 40)}
      summary={
        split === 'runner'
          ? `${report.rows.length} runners; a host's time is shared equally by the runners attached to it.`
          : `${report.rows.length} automations; a host's time is shared by the automations that ran on it, by their tasks' running time.`
      }
    >
      <BarChart layout="vertical" data={data} margin={{ top: 5, right: 20, bottom: 5, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
        <XAxis type="number" stroke="var(--mantine-color-dimmed)" />
        <YAxis type="category" dataKey="runner" width={90} stroke="var(--mantine-color-dimmed)" />
        <Tooltip contentStyle={tooltipStyle} />
        <Bar dataKey="used" name="Spent" fill="var(--mantine-color-blue-6)" isAnimationActive={false} />
      </BarChart>
    </ChartPanel>
  );
}

/** Task wait per day: mean and 95th percentile, from queued to running. */
export function WaitPerDay({ report }: { report: CostReport }) {
  const data = report.rows
    .filter((row) => row.tasks > 0)
    .map((row) => ({ day: row.key.slice(5), mean: row.waitMeanSeconds, p95: row.waitP95Seconds }));
  return (
    <ChartPanel
      id="wait-day"
      title="Task wait per day (seconds)"
      height={220}
      summary={
        report.total.tasks
          ? `${report.total.tasks} tasks; wait mean ${Math.round(report.total.waitMeanSeconds ?? 0)} s, p95 ${Math.round(report.total.waitP95Seconds ?? 0)} s.`
          : 'No task ran in this period.'
      }
    >
      <LineChart data={data} margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
        <XAxis dataKey="day" stroke="var(--mantine-color-dimmed)" />
        <YAxis stroke="var(--mantine-color-dimmed)" width={50} />
        <Tooltip contentStyle={tooltipStyle} />
        <Legend />
        <Line
          dataKey="mean"
          name="Mean"
          stroke="var(--mantine-color-teal-6)"
          strokeWidth={2}
          isAnimationActive={false}
        />
        <Line
          dataKey="p95"
          name="p95"
          stroke="var(--mantine-color-orange-6)"
          strokeWidth={2}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartPanel>
  );
}
