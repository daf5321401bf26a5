import { Group, NumberInput, Select, Stack, Switch, Text } from '@mantine/core';
import type { MonthlyBudget } from '../../../src-main/config/schema.js';

const defaultBudget: MonthlyBudget = { amount: 500, unit: 'money', whenSpent: 'notify', minPriority: 10 };

/** The monthly budget: off, or a limit in money or VM-hours and what happens when it is spent. */
export function MonthlyBudgetEditor(props: {
  budget: MonthlyBudget | undefined;
  currency: string;
  error(field: string): string | undefined;
  onChange(budget: MonthlyBudget | undefined): void;
}) {
  const { budget } = props;
  const change = (patch: Partial<MonthlyBudget>) =>
    props.onChange({ ...(budget ?? defaultBudget), ...patch });
  return (
    <Stack gap="xs">
      <Switch
        label="Monthly budget"
        description="Warns at 80 % of a month's limit, and when it is spent tells you or holds new starts."
        checked={budget !== undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked ? defaultBudget : undefined)}
      />
      {budget && (
        <Group align="start" wrap="wrap">
          <NumberInput
            label={budget.unit === 'money' ? `Limit (${props.currency})` : 'Limit (VM-hours)'}
            min={0}
            value={budget.amount}
            onChange={(value) => change({ amount: Number(value) })}
            error={props.error('monthlyBudget.amount')}
            w={160}
          />
          <Select
            label="Counted in"
            data={[
              { value: 'money', label: 'Money (hosts with a price)' },
              { value: 'vm-hours', label: 'VM-hours' },
            ]}
            value={budget.unit}
            onChange={(value) => change({ unit: value === 'vm-hours' ? 'vm-hours' : 'money' })}
            allowDeselect={false}
            w={230}
          />
          <Select
            label="When spent"
            data={[
              { value: 'notify', label: 'Tell me; keep starting hosts' },
              { value: 'hold-starts', label: 'Start hosts only for urgent tasks' },
            ]}
            value={budget.whenSpent}
            onChange={(value) => change({ whenSpent: value === 'hold-starts' ? 'hold-starts' : 'notify' })}
            allowDeselect={false}
            w={260}
          />
          {budget.whenSpent === 'hold-starts' && (
            <NumberInput
              label="Urgent: priority at least"
              min={0}
              max={10}
              allowDecimal={false}
              value={budget.minPriority}
              onChange={(value) => change({ minPriority: Number(value) })}
              error={props.error('monthlyBudget.minPriority')}
              w={190}
            />
          )}
        </Group>
      )}
      {budget && (
        <Text size="xs" c="dimmed">
          Counted per calendar month (UTC) from the service's history. Nothing is ever stopped for the budget.
        </Text>
      )}
    </Stack>
  );
}
