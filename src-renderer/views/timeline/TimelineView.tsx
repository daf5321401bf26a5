import { Card, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { clockTime } from '../../lib/format.js';
import { useServerNow } from '../../lib/use-server-now.js';
import { useLive } from '../../store/live-store.js';
import { dayMs, vmHours } from '../../store/samples.js';

const series = [
  { key: 'queueDepth', name: 'Queue depth', color: 'var(--mantine-color-orange-6)' },
  { key: 'hostsOn', name: 'Hosts on', color: 'var(--mantine-color-blue-6)' },
  { key: 'sessions', name: 'Open sessions', color: 'var(--mantine-color-teal-6)' },
] as const;

const hourMinute = (at: number) =>
  new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

const hoursText = (hours: number) => (hours < 10 ? hours.toFixed(2) : hours.toFixed(1));

/**
 * The last 24 h as this console saw them (samples are taken from each state received and kept in the
 * browser), and cloud VM-hours spent against keeping the same fleet always on.
 */
export function TimelineView() {
  const samples = useLive((store) => store.samples);
  const now = useServerNow();
  const minuteNow = Math.floor(now / 60_000) * 60_000;
  const since = minuteNow - dayMs;
  const shown = useMemo(() => {
    const inWindow = samples.filter((s) => s.at >= since);
    const last = inWindow.at(-1);
    // Carry the latest values to "now", so a quiet period still draws to the right edge.
    return last ? [...inWindow, { ...last, at: Math.max(last.at, minuteNow) }] : inWindow;
  }, [samples, since, minuteNow]);
  const hours = useMemo(
    () =>
      vmHours(
        samples.filter((s) => s.at >= since),
        now,
      ),
    [samples, since, now],
  );
  const saved = hours.alwaysOn > 0 ? Math.round((1 - hours.used / hours.alwaysOn) * 100) : 0;
  // At least the last hour is drawn, so a fresh console does not stretch a few seconds across the chart.
  const end = Math.max(minuteNow + 60_000, shown.at(-1)?.at ?? 0);
  const start = Math.min(shown[0]?.at ?? since, end - 3_600_000);

  return (
    <Stack gap="md">
      <Title order={2}>Timeline</Title>
      <Text size="sm" c="dimmed">
        Sampled by this console from the live state since {clockTime(start)} (up to the last 24 hours; kept in
        this browser).
      </Text>
      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h5" mb="sm" id="activity-title">
          Queue, hosts and sessions
        </Title>
        <div
          style={{ height: 280 }}
          role="img"
          aria-labelledby="activity-title"
          aria-describedby="activity-summary"
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={shown} margin={{ top: 5, right: 20, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={[start, end]}
                ticks={Array.from({ length: 7 }, (_, i) => Math.round(start + (i * (end - start)) / 6))}
                tickFormatter={(at: number) => hourMinute(at)}
                stroke="var(--mantine-color-dimmed)"
              />
              <YAxis allowDecimals={false} stroke="var(--mantine-color-dimmed)" width={40} />
              <Tooltip
                labelFormatter={(at) => clockTime(Number(at))}
                contentStyle={{
                  background: 'var(--mantine-color-body)',
                  borderColor: 'var(--mantine-color-default-border)',
                }}
              />
              <Legend />
              {series.map((s) => (
                <Line
                  key={s.key}
                  type="stepAfter"
                  dataKey={s.key}
                  name={s.name}
                  stroke={s.color}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <Text size="sm" mt="xs" id="activity-summary" data-testid="activity-summary">
          Now: queue {shown.at(-1)?.queueDepth ?? 0}, hosts on {shown.at(-1)?.hostsOn ?? 0}, open sessions{' '}
          {shown.at(-1)?.sessions ?? 0}; peak queue {Math.max(0, ...shown.map((s) => s.queueDepth))}, peak
          hosts on {Math.max(0, ...shown.map((s) => s.hostsOn))}.
        </Text>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h5" mb="sm" id="vm-hours-title">
            Cloud VM-hours
          </Title>
          <div
            style={{ height: 160 }}
            role="img"
            aria-labelledby="vm-hours-title"
            aria-describedby="vm-hours-summary"
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                layout="vertical"
                data={[
                  { name: 'Spent', hours: Number(hoursText(hours.used)) },
                  { name: 'Always on', hours: Number(hoursText(hours.alwaysOn)) },
                ]}
                margin={{ top: 5, right: 20, bottom: 5, left: 10 }}
              >
                <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
                <XAxis type="number" stroke="var(--mantine-color-dimmed)" />
                <YAxis type="category" dataKey="name" width={80} stroke="var(--mantine-color-dimmed)" />
                <Bar dataKey="hours" name="VM-hours" isAnimationActive={false}>
                  <Cell fill="var(--mantine-color-blue-6)" />
                  <Cell fill="var(--mantine-color-gray-5)" />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Paper>
        <Card withBorder radius="md" padding="md">
          <Stack gap={4} id="vm-hours-summary" data-testid="vm-hours">
            <Text size="sm" c="dimmed">
              Over {hoursText(hours.observedHours)} h observed
            </Text>
            <Group gap="xs" align="baseline">
              <Text size="xl" fw={700} className="tabular">
                {hoursText(hours.used)}
              </Text>
              <Text size="sm">VM-hours spent</Text>
            </Group>
            <Group gap="xs" align="baseline">
              <Text size="xl" fw={700} className="tabular">
                {hoursText(hours.alwaysOn)}
              </Text>
              <Text size="sm">VM-hours for the same fleet always on</Text>
            </Group>
            <Text size="sm" fw={500} data-testid="vm-saved">
              {hours.alwaysOn > 0 ? `${saved} % saved` : 'No cloud host yet'}
            </Text>
          </Stack>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
