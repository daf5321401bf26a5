import { Card, Group, Progress, Text } from '@mantine/core';
import type { MonthlyBudgetView } from '../../../src-main/core/state.js';

/** This month's spend against the monthly budget: a bar that turns orange at 80 % and red when spent. */
export function MonthlyBudget({ budget }: { budget: MonthlyBudgetView }) {
  const percent = Math.round(budget.fraction * 100);
  const color = budget.fraction >= 1 ? 'red' : budget.fraction >= 0.8 ? 'orange' : 'teal';
  const used =
    budget.unit === 'money'
      ? `${budget.used.toFixed(2)} of ${budget.amount} ${budget.currency}`
      : `${budget.used.toFixed(1)} of ${budget.amount} VM-hours`;
  const effect =
    budget.holdingBelowPriority !== undefined
      ? `Spent: hosts start only for queued tasks of priority ${budget.holdingBelowPriority} or higher.`
      : budget.fraction >= 1
        ? 'Spent: set to notify only, so hosts still start as work comes.'
        : budget.whenSpent === 'hold-starts'
          ? 'When spent, only urgent tasks start hosts.'
          : 'When spent, you are told; hosts still start.';
  return (
    <Card withBorder padding="sm" aria-label="Monthly budget">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text fw={600}>Monthly budget, {budget.month}</Text>
        <Text size="sm">
          {used} ({percent} %)
        </Text>
      </Group>
      <Progress
        value={Math.min(100, percent)}
        color={color}
        mt="xs"
        aria-label={`${percent} % of the monthly budget spent`}
      />
      <Text size="sm" c="dimmed" mt="xs">
        {effect}
        {budget.unpricedHosts > 0 &&
          ` ${budget.unpricedHosts} billed hosts have no price and are not counted.`}
      </Text>
    </Card>
  );
}
