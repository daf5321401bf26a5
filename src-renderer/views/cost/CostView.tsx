import { Alert, Card, Group, Loader, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { useLoad } from '../../lib/use-load.js';
import { measureOf, SpendPerDay, SpendPerRunner, WaitPerDay } from './CostCharts.js';
import { WhatIfPanel } from './WhatIfPanel.js';

const DAY_MS = 24 * 3_600_000;
const periods = ['7', '30', '90'] as const;

/**
 * What the hosts cost, from the service's recorded history: per day against the same fleet always on,
 * per runner, the task wait, and a what-if replay (docs/cost.md).
 */
export function CostView() {
  const api = useApi();
  const [days, setDays] = useState<(typeof periods)[number]>('30');
  const from = () => Date.now() - Number(days) * DAY_MS;
  const byDay = useLoad(() => api.getCost({ by: 'day', from: from() }), [api, days]);
  const [split, setSplit] = useState<'runner' | 'automation'>('runner');
  const byRunner = useLoad(() => api.getCost({ by: split, from: from() }), [api, days, split]);
  const report = byDay.data;
  const measure = report && measureOf(report);
  const fewer =
    report && report.total.alwaysOnVmHours > 0
      ? Math.floor((1 - report.total.vmHours / report.total.alwaysOnVmHours) * 100)
      : undefined;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>Cost</Title>
        <SegmentedControl
          aria-label="Period"
          value={days}
          onChange={(value) => setDays(value as (typeof periods)[number])}
          data={periods.map((value) => ({ value, label: `${value} days` }))}
        />
      </Group>
      {(byDay.error ?? byRunner.error) && <Alert color="red">{byDay.error ?? byRunner.error}</Alert>}
      {!report || !measure ? (
        <Loader aria-label="Loading cost" />
      ) : (
        <>
          <Card withBorder radius="md" padding="md">
            <Stack gap={4} data-testid="cost-summary">
              <Group gap="xs" align="baseline">
                <Text size="xl" fw={700} className="tabular">
                  {measure.used(report.total).toFixed(2)}
                </Text>
                <Text size="sm">{measure.label} spent</Text>
                <Text size="xl" fw={700} className="tabular" ml="md">
                  {measure.alwaysOn(report.total).toFixed(2)}
                </Text>
                <Text size="sm">{measure.label} for the same fleet always on</Text>
              </Group>
              <Text size="sm" fw={500}>
                {fewer === undefined
                  ? 'No host yet.'
                  : `${fewer} % fewer VM-hours than always on; ${report.total.vmHours.toFixed(2)} VM-hours, ${report.total.starts} ${report.total.starts === 1 ? 'start' : 'starts'}, ${report.total.sessionHours.toFixed(2)} session hours.`}
              </Text>
              {report.total.cost === undefined && (
                <Text size="sm" c="dimmed">
                  Give each host its price per hour (Hosts → Edit) to see money.
                </Text>
              )}
            </Stack>
          </Card>
          <SpendPerDay report={report} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Stack gap="xs">
              <SegmentedControl
                aria-label="Split by"
                value={split}
                onChange={(value) => setSplit(value as 'runner' | 'automation')}
                data={[
                  { value: 'runner', label: 'Per runner' },
                  { value: 'automation', label: 'Per automation' },
                ]}
              />
              {byRunner.data && <SpendPerRunner report={byRunner.data} split={split} />}
            </Stack>
            <WaitPerDay report={report} />
          </SimpleGrid>
          <WhatIfPanel from={from} />
        </>
      )}
    </Stack>
  );
}
